"""What every admin page over a large table shares."""

from simple_history.admin import SimpleHistoryAdmin


class LargeTableAdmin(SimpleHistoryAdmin):
    """History on every row; no count of every row on each page load."""

    show_full_result_count = False
    list_per_page = 50
