"""A story's page (its outlets and languages side by side, with a timeline) and the list
of stories. Reads are in archive.reads.stories."""

from __future__ import annotations

from django.views.generic import TemplateView

from archive.pages.common import paginate
from archive.reads import stories


class StoryListView(TemplateView):
    template_name = "archive/story_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_obj"] = paginate(self.request, stories.listed_stories())
        return context


class StoryDetailView(TemplateView):
    template_name = "archive/story_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        story = stories.public_story(self.kwargs["slug"])
        articles = stories.story_articles(story)
        context.update(story=story, articles=articles, **stories.story_summary(articles))
        return context
