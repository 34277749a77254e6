"""import_articles: docs/manifest.md's format, one transaction, clear errors, safe re-import."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connection

from archive.ingest.manifest import parse_published, parse_text
from archive.models import Article, Claim, Mention, Source, Story
from archive.services import reanchor
from archive.text.normalize import normalize
from tests.factories import make_entity

DATA = Path(__file__).parent / "data" / "import"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


# -- parse_text: pure ------------------------------------------------------------------------


def test_header_lines_of_the_observer_go_to_fields_not_the_body():
    raw = (SEEDS / "003_79fef3b2f653cd44.txt").read_text()
    parsed = parse_text(raw, title=None)
    assert parsed.title == "US experts, Libyan officials hold security meetings"
    assert parsed.byline == "AbdulkaderAssad"
    assert parsed.published == dt.date(2020, 1, 4)
    assert parsed.published_precision == "day"
    assert parsed.body.startswith("The US embassy in Libya said Friday")
    for header in ("hold security meetings", "January 04", "Posted in", "Written By"):
        assert header not in parsed.body
    assert "\n\n" not in parsed.body


def test_leading_dateline_goes_to_its_field():
    raw = (SEEDS / "000_64fcb1f528434c7a.txt").read_text()
    parsed = parse_text(raw, title="Libyan government meets US delegation in cooperation push")
    assert parsed.dateline == "TRIPOLI"
    assert parsed.body.startswith("Libya's UN-backed government called for")
    assert "cooperation push" not in parsed.body


def test_a_given_title_that_is_not_the_first_line_keeps_the_first_line():
    parsed = parse_text("First paragraph.\nSecond.", title="Editorial title")
    assert parsed.title == "Editorial title"
    assert parsed.body == "First paragraph.\nSecond."


def test_repeated_title_blank_lines_and_whitespace_are_dropped():
    raw = "\ufeffTitle\n\n  Title  \n\n  One.  \n\n\nTwo.\n"
    parsed = parse_text(raw, title=None)
    assert (parsed.title, parsed.body) == ("Title", "One.\nTwo.")


def test_a_non_empty_posted_in_line_stays_out_of_the_body():
    parsed = parse_text("T\nPosted in: Libya, Politics\nWritten By: A. Writer\nText.", title=None)
    assert parsed.body == "Text." and parsed.byline == "A. Writer"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2018", (dt.date(2018, 1, 1), "year")),
        ("2020-01", (dt.date(2020, 1, 1), "month")),
        ("2020-01-04", (dt.date(2020, 1, 4), "day")),
        (dt.date(2020, 1, 4), (dt.date(2020, 1, 4), "day")),
    ],
)
def test_published_takes_year_month_or_day(value, expected):
    assert parse_published(value) == expected


@pytest.mark.parametrize("value", ["2020-02-30", "2020-13", "04/01/2020", "20200104", "", "1066"])
def test_bad_published_dates_are_refused(value):
    with pytest.raises(ValueError, match="bad date"):
        parse_published(value)


def test_reanchor_finds_moved_words_by_their_context():
    old = "Sarraj met Williams. Later Williams spoke."
    new = "In Tripoli, Sarraj met Williams. Much later, Williams spoke."
    start = old.index("Williams", 25)
    assert reanchor(old, new, start, start + 8, "Williams") == (
        new.index("Williams", 40),
        new.index("Williams", 40) + 8,
        "Williams",
    )


# -- the command -------------------------------------------------------------------------------


def write_manifest(folder: Path, entries: list[dict]) -> Path:
    lines = []
    for entry in entries:
        lines.append("[[article]]")
        for key, value in entry.items():
            if isinstance(value, bool):
                lines.append(f"{key} = {str(value).lower()}")
            else:
                lines.append(f'{key} = "{value}"')
        lines.append("")
    (folder / "manifest.toml").write_text("\n".join(lines), encoding="utf-8")
    return folder


def folder_with(tmp_path: Path, *names: str) -> Path:
    for name in names:
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args) -> str:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", *map(str, args), stdout=StringIO(), stderr=err)
    return err.getvalue()


def nothing_written():
    return not (Article.objects.exists() or Source.objects.exists() or Story.objects.exists())


GOOD = {"file": "good.txt", "language": "en", "source": "Test Wire", "story": "talks"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"file": "latin1.txt", "language": "en"}, "not UTF-8"),
        ({"file": "empty.txt", "language": "en"}, "empty file"),
        ({"file": "blank.txt", "language": "en"}, "empty file"),
        ({"file": "binary.txt", "language": "en"}, "binary file"),
        ({"file": "missing.txt", "language": "en"}, "file not found"),
        ({"file": "good.txt", "language": "xx", "slug": "other"}, "unknown language 'xx'"),
        ({"file": "good.txt", "language": "english", "slug": "other"}, "unknown language"),
        (
            {"file": "good.txt", "language": "en", "slug": "o", "published": "2020-02-30"},
            "bad date",
        ),
        ({"file": "good.txt", "slug": "other"}, "missing 'language'"),
        ({"file": "good.txt", "language": "en", "slug": "o", "colour": "red"}, "unknown key"),
    ],
)
def test_one_bad_entry_aborts_the_whole_run_and_says_where(tmp_path, bad, message):
    folder = folder_with(tmp_path, "good.txt", "latin1.txt", "empty.txt", "blank.txt", "binary.txt")
    write_manifest(folder, [GOOD, bad])
    err = run_failing(folder)
    line = next(line for line in err.splitlines() if message in line)
    assert line.startswith(str(folder / bad["file"]) + ": ") or line.startswith(str(folder))
    assert nothing_written()


@pytest.mark.django_db
def test_every_problem_is_listed_not_just_the_first(tmp_path):
    folder = folder_with(tmp_path, "latin1.txt", "empty.txt")
    write_manifest(
        folder,
        [
            {"file": "latin1.txt", "language": "en"},
            {"file": "empty.txt", "language": "en"},
            {"file": "gone.txt", "language": "zz"},
        ],
    )
    err = run_failing(folder)
    assert f"{folder / 'latin1.txt'}: not UTF-8" in err
    assert f"{folder / 'empty.txt'}: empty file" in err
    assert f"{folder / 'gone.txt'}: unknown language 'zz'" in err
    assert f"{folder / 'gone.txt'}: file not found" in err


@pytest.mark.django_db
def test_malformed_manifest_aborts_with_its_path(tmp_path):
    shutil.copy(DATA / "malformed.toml", tmp_path / "manifest.toml")
    err = run_failing(tmp_path / "manifest.toml")
    assert err.startswith(f"{tmp_path / 'manifest.toml'}: malformed manifest")
    assert nothing_written()


@pytest.mark.django_db
def test_folder_without_manifest_is_an_error(tmp_path):
    assert "no manifest.toml" in run_failing(tmp_path)


@pytest.mark.django_db
def test_errors_reach_the_terminal_without_a_traceback(tmp_path, capsys):
    folder = folder_with(tmp_path, "latin1.txt")
    write_manifest(folder, [{"file": "latin1.txt", "language": "en"}])
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "import_articles", str(folder)])
    assert exit_info.value.code != 0
    err = capsys.readouterr().err
    assert f"{folder / 'latin1.txt'}: not UTF-8" in err
    assert "Traceback" not in err


@pytest.mark.django_db
def test_import_stores_fields_sha256_and_the_translation_link(tmp_path):
    folder = folder_with(tmp_path, "good.txt", "bom.txt")
    write_manifest(
        folder,
        [
            {**GOOD, "slug": "talks-en", "published": "2018-05", "byline": "A. Writer"},
            {"file": "bom.txt", "language": "ar", "translation_of": "talks-en", "title": "ترجمة"},
        ],
    )
    out, _ = run(folder)
    assert "2 new, 0 unchanged, 0 updated" in out
    article = Article.objects.get(slug="talks-en")
    assert article.title == "Tripoli talks"
    assert article.body.startswith("Fayez al-Sarraj met")
    assert (article.published, article.published_precision) == (dt.date(2018, 5, 1), "month")
    assert article.source.name == "Test Wire" and article.story.slug == "talks"
    assert article.sha256 == Article.text_sha256(article.body)
    translation = Article.objects.get(translation_of=article)
    assert translation.title == "ترجمة"
    assert translation.body == "BOM title\nA text that starts with a byte-order mark."
    # Written in bulk, yet as save() would: search text, history with its reason.
    assert article.body_search == normalize(article.body)
    assert translation.title_search == normalize("ترجمة")
    assert Article.objects.filter(search_vector="Sarraj").get() == article
    reasons = set(Article.history.values_list("slug", "history_type", "history_change_reason"))
    assert ("talks-en", "+", "imported from good.txt") in reasons
    assert (translation.slug, "~", "translation link from the manifest") in reasons


@pytest.mark.django_db
def test_importing_the_same_text_again_changes_nothing_and_says_so(tmp_path):
    folder = write_manifest(folder_with(tmp_path, "good.txt"), [{**GOOD, "slug": "talks"}])
    run(folder)
    before = Article.objects.get(slug="talks")
    out, _ = run(folder)
    assert "talks: unchanged" in out and "0 new, 1 unchanged, 0 updated" in out
    after = Article.objects.get(slug="talks")
    assert after.updated == before.updated
    assert Article.history.filter(slug="talks").count() == 1


def test_a_different_text_under_an_existing_slug_is_a_conflict(tmp_path, db):
    folder = write_manifest(folder_with(tmp_path, "good.txt"), [{**GOOD, "slug": "talks"}])
    run(folder)
    (folder / "good.txt").write_text("Tripoli talks\nA rewritten text.\n", encoding="utf-8")
    err = run_failing(folder)
    assert f"{folder / 'good.txt'}: conflict: article 'talks' exists" in err
    assert Article.objects.get(slug="talks").body.startswith("Fayez al-Sarraj met")


@pytest.mark.django_db
def test_update_keeps_the_old_text_in_history_and_reanchors_annotations(tmp_path):
    folder = write_manifest(folder_with(tmp_path, "good.txt"), [{**GOOD, "slug": "talks"}])
    run(folder)
    article = Article.objects.get(slug="talks")
    old_body = article.body
    williams = make_entity(name="Stephanie Williams", slug="williams")
    Mention.objects.all().delete()
    start = old_body.index("Williams said")
    moved = Mention.objects.create(
        article=article,
        entity=williams,
        start=start,
        end=start + 8,
        text="Williams",
        status="confirmed",
    )
    quote = "The only lasting solution for Libya is to overcome its political impasse"
    claim = Claim.objects.create(
        article=article,
        start=old_body.index(quote),
        end=old_body.index(quote) + len(quote),
        text=quote,
        speaker=williams,
        kind="direct_quote",
    )
    start = old_body.index("Thursday")
    lost = Mention.objects.create(
        article=article,
        entity=williams,
        start=start,
        end=start + 8,
        text="Thursday",
    )
    (folder / "good.txt").write_text(
        "Tripoli talks\nA new first paragraph.\n"
        "Fayez al-Sarraj met Stephanie Williams in Tripoli last week.\n"
        '"The only lasting solution for Libya is to overcome the political impasse," '
        "Williams said.\n",
        encoding="utf-8",
    )
    out, _ = run(folder, "--update")
    assert "0 new, 0 unchanged, 1 updated" in out
    assert f"orphaned: talks: mention {lost.pk} 'Thursday'" in out

    article.refresh_from_db()
    assert article.body.startswith("A new first paragraph.")
    assert article.sha256 == Article.text_sha256(article.body)
    assert old_body in set(Article.history.filter(slug="talks").values_list("body", flat=True))

    moved.refresh_from_db()
    assert article.body[moved.start : moved.end] == "Williams"
    assert article.body[moved.end : moved.end + 5] == " said"
    claim.refresh_from_db()
    assert not claim.is_orphaned
    assert claim.text == article.body[claim.start : claim.end]
    assert "the political impasse" in claim.text  # the fuzzy match took the new wording
    lost.refresh_from_db()
    assert lost.is_orphaned and lost.text == "Thursday"


@pytest.mark.django_db
def test_new_articles_get_suggested_mentions_at_once(tmp_path):
    sarraj = make_entity(name="Fayez al-Sarraj", slug="sarraj", aliases={"en": ["Fayez al-Sarraj"]})
    folder = write_manifest(folder_with(tmp_path, "good.txt"), [{**GOOD, "slug": "talks"}])
    out, _ = run(folder)
    assert "1 mentions suggested" in out
    mention = Mention.objects.get(article__slug="talks")
    assert (mention.entity, mention.text, mention.status) == (
        sarraj,
        "Fayez al-Sarraj",
        "suggested",
    )


@pytest.mark.django_db
def test_the_seeds_import_as_five_articles_with_their_metadata():
    out, _ = run(SEEDS)
    assert "5 new, 0 unchanged, 0 updated" in out
    observer = Article.objects.get(slug="us-experts-libyan-officials-hold-security-meetings")
    assert observer.byline == "AbdulkaderAssad" and observer.source.name == "Libya Observer"
    assert (observer.published, observer.published_precision) == (dt.date(2020, 1, 4), "day")
    afp = Article.objects.get(slug="libyan-government-meets-us-delegation")
    assert afp.dateline == "TRIPOLI" and afp.published_precision == "year"
    assert Article.objects.get(language="ar").translation_of == afp
    undated = Article.objects.get(slug="dbeibah-discusses-cooperation-with-us-delegation")
    assert undated.published is None and undated.source is None


@pytest.mark.django_db
def test_verify_fixity_reports_an_altered_body():
    run(SEEDS)
    Article.objects.filter(slug="libyan-government-meets-us-delegation").update(body="Tampered.")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("verify_fixity", stdout=out, stderr=err)
    assert err.getvalue().startswith("libyan-government-meets-us-delegation: body does not match")
    assert "4 intact, 1 altered" in out.getvalue()


@pytest.mark.django_db
def test_verify_fixity_passes_on_an_intact_archive():
    run(SEEDS)
    out = StringIO()
    call_command("verify_fixity", stdout=out)
    assert "5 intact, 0 altered" in out.getvalue()


# -- files must lie inside the manifest's folder ---------------------------------------------

SECRET = "Secret\nroot:x:0:0:root:/root:/bin/bash\n"


@pytest.fixture
def outside(tmp_path):
    """A manifest folder `in/`, and beside it a text and a folder that are not in it."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "sub").mkdir()
    shutil.copy(DATA / "good.txt", folder / "good.txt")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.txt").write_text(SECRET, encoding="utf-8")
    return folder


def _dotdot_to(folder: Path, target: Path) -> str:
    return os.path.relpath(target, folder)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda f: "../secret.txt", "outside the manifest's folder"),
        (lambda f: _dotdot_to(f, Path("/etc/passwd")), "outside the manifest's folder"),
        (lambda f: "sub/../../secret.txt", "outside the manifest's folder"),
        (lambda f: str(f.parent / "secret.txt"), "absolute path"),
        (lambda f: "/etc/passwd", "absolute path"),
        (lambda f: os.symlink(f.parent / "secret.txt", f / "link.txt") or "link.txt", "symbolic"),
        (lambda f: os.symlink("/etc/passwd", f / "passwd") or "passwd", "symbolic link"),
        (
            lambda f: os.symlink(f.parent / "elsewhere", f / "linked") or "linked/secret.txt",
            "symbolic link",
        ),
    ],
    ids=[
        "dotdot",
        "dotdot-etc-passwd",
        "dotdot-via-folder",
        "absolute",
        "absolute-etc",
        "symlink-file",
        "symlink-etc",
        "symlink-folder",
    ],
)
def test_a_file_outside_the_manifest_folder_is_refused_and_nothing_is_written(
    outside, make, message
):
    name = make(outside)
    write_manifest(outside, [GOOD, {"file": name, "language": "en", "slug": "leak"}])
    err = run_failing(outside)
    line = next(line for line in err.splitlines() if message in line)
    assert line.startswith(str(outside / name) + ": ")
    assert "root:x" not in err
    assert nothing_written()


@pytest.mark.django_db
def test_every_way_out_of_the_folder_is_listed_in_one_run(outside):
    write_manifest(
        outside,
        [
            {"file": "../secret.txt", "language": "en", "slug": "a"},
            {"file": "sub/../../secret.txt", "language": "en", "slug": "b"},
            {"file": "/etc/passwd", "language": "en", "slug": "c"},
        ],
    )
    err = run_failing(outside)
    assert f"{outside / '../secret.txt'}: outside the manifest's folder" in err
    assert f"{outside / 'sub/../../secret.txt'}: outside the manifest's folder" in err
    assert "/etc/passwd: absolute path" in err
    assert nothing_written()


@pytest.mark.django_db
def test_a_symbolic_link_that_stays_inside_the_folder_is_read(outside):
    (outside / "texts").mkdir()
    shutil.move(outside / "good.txt", outside / "texts" / "good.txt")
    os.symlink(outside / "texts" / "good.txt", outside / "good.txt")
    write_manifest(outside, [{**GOOD, "slug": "talks"}])
    run(outside)
    assert Article.objects.get(slug="talks").body.startswith("Fayez al-Sarraj met")


@pytest.mark.django_db
def test_a_folder_of_the_manifest_reached_through_a_symbolic_link_works(outside, tmp_path):
    os.symlink(outside, tmp_path / "alias")
    write_manifest(outside, [{**GOOD, "slug": "talks"}])
    run(tmp_path / "alias")
    assert Article.objects.filter(slug="talks").exists()


# -- hard links, and files swapped while the import reads them --------------------------------


def _hard_link_from_outside(folder: Path) -> str:
    os.link(folder.parent / "secret.txt", folder / "linked.txt")
    return "linked.txt"


def _hard_link_inside(folder: Path) -> str:
    os.link(folder / "good.txt", folder / "again.txt")
    return "again.txt"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make", [_hard_link_from_outside, _hard_link_inside], ids=["from-outside", "inside"]
)
def test_a_hard_linked_text_is_refused_and_nothing_is_written(outside, make):
    """A hard link has no target to resolve: the file it names may live anywhere. One name
    inside the folder does not make the file the folder's, so any second name is refused."""
    name = make(outside)
    write_manifest(outside, [GOOD, {"file": name, "language": "en", "slug": "leak"}])
    err = run_failing(outside)
    assert (
        f"{outside / name}: a hard link (2 names for one file): "
        "copy the file into the folder instead"
    ) in err.splitlines()
    assert "root:x" not in err
    assert nothing_written()


@pytest.mark.django_db
def test_a_hard_linked_manifest_is_refused(outside):
    elsewhere = outside.parent / "elsewhere"
    write_manifest(elsewhere, [GOOD])
    os.link(elsewhere / "manifest.toml", outside / "manifest.toml")
    err = run_failing(outside)
    assert err.startswith(f"{outside / 'manifest.toml'}: a hard link (2 names for one file)")
    assert nothing_written()


@pytest.mark.django_db
def test_a_manifest_that_is_a_symbolic_link_out_of_its_folder_is_refused(outside):
    elsewhere = outside.parent / "elsewhere"
    write_manifest(elsewhere, [{**GOOD, "file": "secret.txt"}])
    os.symlink(elsewhere / "manifest.toml", outside / "manifest.toml")
    err = run_failing(outside)
    assert err.startswith(f"{outside / 'manifest.toml'}: a symbolic link to")
    assert nothing_written()


@pytest.mark.django_db
def test_a_fifo_is_refused_without_waiting_for_a_writer(outside):
    os.mkfifo(outside / "pipe.txt")
    write_manifest(outside, [{"file": "pipe.txt", "language": "en"}])
    assert f"{outside / 'pipe.txt'}: not a regular file" in run_failing(outside)


def _swap_file(folder: Path) -> None:
    (folder / "good.txt").unlink()
    os.symlink(folder.parent / "secret.txt", folder / "good.txt")


def _swap_folder(folder: Path) -> None:
    (folder / "texts").rename(folder / "texts.old")
    shutil.copy(folder.parent / "secret.txt", folder.parent / "elsewhere" / "good.txt")
    os.symlink(folder.parent / "elsewhere", folder / "texts")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("swap", "name"),
    [(_swap_file, "good.txt"), (_swap_folder, "texts/good.txt")],
    ids=["file", "folder"],
)
def test_a_path_swapped_for_a_symbolic_link_after_its_check_is_not_followed(
    outside, monkeypatch, swap, name
):
    """Whoever can write in the folder may swap a checked path for a link before it is
    opened: the file is opened without following links, and checked on what was opened."""
    from archive.ingest import manifest

    (outside / "texts").mkdir()
    shutil.copy(outside / "good.txt", outside / "texts" / "good.txt")
    checked = manifest.inside_folder

    def check_then_swap(folder, file):
        real = checked(folder, file)
        if file == name:
            swap(outside)
        return real

    monkeypatch.setattr(manifest, "inside_folder", check_then_swap)
    write_manifest(outside, [{"file": name, "language": "en", "slug": "leak"}])
    err = run_failing(outside)
    assert f"{outside / name}: a symbolic link" in err
    assert "root:x" not in err
    assert nothing_written()


# -- not public: the manifest's `public = false` and --hidden ---------------------------------


@pytest.mark.django_db
def test_public_false_imports_the_article_embargoed(tmp_path, client):
    folder = folder_with(tmp_path, "good.txt", "bom.txt")
    write_manifest(
        folder,
        [
            {**GOOD, "slug": "open"},
            {"file": "bom.txt", "language": "en", "slug": "embargoed", "public": False},
        ],
    )
    run(folder)
    assert Article.objects.get(slug="open").is_public
    hidden = Article.objects.get(slug="embargoed")
    assert not hidden.is_public
    assert client.get(hidden.get_absolute_url()).status_code == 404
    # Importing the same manifest again changes nothing.
    out, _ = run(folder)
    assert "0 new, 2 unchanged, 0 updated" in out


@pytest.mark.django_db
def test_hidden_imports_every_entry_as_not_public(tmp_path):
    folder = folder_with(tmp_path, "good.txt", "bom.txt")
    write_manifest(
        folder,
        [
            {**GOOD, "slug": "one", "public": True},
            {"file": "bom.txt", "language": "en", "slug": "two"},
        ],
    )
    out, _ = run(folder, "--hidden")
    assert "2 new" in out
    assert list(Article.objects.filter(is_public=True)) == []
    assert Article.objects.count() == 2


@pytest.mark.django_db
def test_an_editors_choice_of_public_stands_when_the_manifest_does_not_say(tmp_path):
    folder = write_manifest(folder_with(tmp_path, "good.txt"), [{**GOOD, "slug": "talks"}])
    run(folder)
    Article.objects.filter(slug="talks").update(is_public=False)
    out, _ = run(folder)
    assert "talks: unchanged" in out
    assert not Article.objects.get(slug="talks").is_public
    # Saying it in the manifest is a change like any other field: --update applies it.
    write_manifest(folder, [{**GOOD, "slug": "talks", "public": True}])
    assert "different public" in run_failing(folder)
    run(folder, "--update")
    assert Article.objects.get(slug="talks").is_public


@pytest.mark.django_db
def test_public_must_be_a_boolean(tmp_path):
    folder = folder_with(tmp_path, "good.txt")
    write_manifest(folder, [{**GOOD, "public": "no"}])
    assert "public must be true or false" in run_failing(folder)
    assert nothing_written()


# -- two imports at once -------------------------------------------------------------------


def _race(folders: list[Path], *, hold: float = 0.5) -> list[tuple[str, str, Exception | None]]:
    """Import each folder in its own thread (own database connection), all at once; while
    one run writes it dawdles `hold` seconds, so the others reach the same slugs meanwhile."""
    import archive.services.suggestions

    real = archive.services.suggestions.suggest_mentions

    def slow_suggest(*args, **kwargs):
        time.sleep(hold)
        return real(*args, **kwargs)

    start = threading.Barrier(len(folders))
    results: list = [None] * len(folders)

    def worker(i, folder):
        out, err = StringIO(), StringIO()
        try:
            start.wait()
            call_command("import_articles", str(folder), stdout=out, stderr=err)
            results[i] = (out.getvalue(), err.getvalue(), None)
        except Exception as exc:  # noqa: BLE001 - the test looks at what was raised
            results[i] = (out.getvalue(), err.getvalue(), exc)
        finally:
            connection.close()

    archive.services.suggestions.suggest_mentions = slow_suggest
    try:
        threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(folders)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        archive.services.suggestions.suggest_mentions = real
    return results


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_manifest_at_once_import_it_once_without_a_traceback(tmp_path):
    folder = write_manifest(folder_with(tmp_path, "good.txt"), [{**GOOD, "slug": "talks"}])
    results = _race([folder, folder])
    assert [exc for _, _, exc in results] == [None, None], results
    summaries = sorted(out.splitlines()[-1] for out, _, _ in results)
    assert summaries[0].startswith("0 new, 1 unchanged") and summaries[1].startswith("1 new")
    # The second run waited for the first (and said so) instead of racing it.
    assert sum("another import is running" in err for _, err, _ in results) == 1
    assert Article.objects.count() == 1 and Source.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_different_texts_under_one_slug_at_once_report_a_conflict(tmp_path):
    first = write_manifest(folder_with(tmp_path, "good.txt"), [{**GOOD, "slug": "talks"}])
    second = tmp_path / "second"
    second.mkdir()
    (second / "good.txt").write_text("Tripoli talks\nAnother text.\n", encoding="utf-8")
    write_manifest(second, [{**GOOD, "slug": "talks"}])
    results = _race([first, second])
    failed = [(err, exc) for _, err, exc in results if exc is not None]
    assert len(failed) == 1, results
    err, exc = failed[0]
    assert isinstance(exc, CommandError), exc
    assert "conflict: article 'talks' exists with a different text" in err
    assert "Traceback" not in err and "IntegrityError" not in err
    assert Article.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_slug_taken_by_another_writer_during_the_import_is_a_conflict_in_words(
    tmp_path, monkeypatch
):
    """Forced race: between the importer's checks and its writes, someone outside the
    importer (the admin, a script) saves an article under the same slug and commits."""
    import archive.ingest.importing

    folder = write_manifest(folder_with(tmp_path, "good.txt"), [{**GOOD, "slug": "talks"}])
    real_write = archive.ingest.importing._write

    def other_writer_first(*args, **kwargs):
        def admin_save():
            Article.objects.create(slug="talks", title="By hand", body="Typed.", language="en")
            connection.close()

        thread = threading.Thread(target=admin_save)
        thread.start()
        thread.join()
        return real_write(*args, **kwargs)

    monkeypatch.setattr(archive.ingest.importing, "_write", other_writer_first)
    err = run_failing(folder)
    assert f"{folder / 'good.txt'}: conflict: article 'talks' was written by someone else" in err
    assert "nothing was imported" in err
    assert "IntegrityError" not in err
    # Nothing of the import is left: only the other writer's article.
    assert list(Article.objects.values_list("title", flat=True)) == ["By hand"]
    assert not Source.objects.exists() and not Story.objects.exists()


# -- translation loops ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_two_articles_that_translate_each_other_are_refused(tmp_path):
    folder = folder_with(tmp_path, "good.txt", "bom.txt")
    write_manifest(
        folder,
        [
            {**GOOD, "slug": "a", "translation_of": "b"},
            {"file": "bom.txt", "language": "ar", "slug": "b", "translation_of": "a"},
        ],
    )
    err = run_failing(folder)
    assert f"{folder / 'good.txt'}: translation_of makes a loop (a → b → a)" in err
    assert f"{folder / 'bom.txt'}: translation_of makes a loop (b → a → b)" in err
    assert nothing_written()


@pytest.mark.django_db
def test_a_translation_loop_through_an_article_already_in_the_archive_is_refused(tmp_path):
    folder = folder_with(tmp_path, "good.txt", "bom.txt")
    write_manifest(
        folder,
        [
            {**GOOD, "slug": "a"},
            {"file": "bom.txt", "language": "ar", "slug": "b", "translation_of": "a"},
        ],
    )
    run(folder)
    # Now a manifest says a is the translation of b, which is stored as a's translation.
    second = tmp_path / "second"
    second.mkdir()
    shutil.copy(DATA / "good.txt", second / "good.txt")
    write_manifest(second, [{**GOOD, "slug": "a", "translation_of": "b"}])
    err = run_failing(second, "--update")
    assert f"{second / 'good.txt'}: translation_of makes a loop (a → b → a)" in err
    assert Article.objects.get(slug="a").translation_of is None
