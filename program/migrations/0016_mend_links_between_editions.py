"""Mend the links between two editions saved before the database refused them (issue 22).

Until now a talk of LoRAINNe'25 could name the LoRAINNe'24 "Francesco Tudisco" (the admin
offered both, alike): the 2024 speakers page then listed the unpublished 2025 talk, with a link
that 404s. The triggers (program/triggers.py, `edition_links`) now refuse such a link on any
write, but a database where one was already saved still holds it. Here each is mended, nothing
lost:

- A talk's speaker or a poster's presenter of another edition is replaced by the speaker of the
  talk's edition who is the same person (the same email when both have one, else the same name,
  compared without case or surrounding spaces), or else by a copy of them made in that edition
  (with a token of its own: the link the speaker was sent opens their page of the other edition),
  one copy per speaker and edition however many talks name them.
- A slot holding another edition's talk keeps its place in the timetable, with the talk's title
  if it had none, and lets the talk go.

A material is of one talk or one poster (a check constraint), so cannot join two editions. The
registration app mends its own links (its 0014: an option's slot).

`migrate` runs without the triggers, so this migration moves itself what they would have: the
calendar SEQUENCE of each talk and slot it changes, and the time of the last change of each
edition it touches (the one a link left too: its speakers page changes). The content version,
which keys the cached pages, `migrate` raises for every edition when it puts the triggers back.
A database without such links is left as it is.
"""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

# What a speaker's copy in another edition does not take from them, each for a reason; every
# other field (name, sort name, affiliation, homepage, photo, email, language) is copied.
NOT_COPIED = {
    "id",  # a new row
    "workshop",  # the talk's edition
    "token",  # a key of its own: the one sent opens the speaker's page of the other edition
    "answered_at",  # they have not saved their page of this edition yet
}


def _key(text: str) -> str:
    return text.strip().casefold()


def same_person(speaker, candidates):
    """The first of `candidates` who is `speaker`: one with the same email, else one with the
    same name among those of whom one of the two has no email. None when no one is."""
    email = _key(speaker.email)
    by_email = [c for c in candidates if email and _key(c.email) == email]
    by_name = [
        c
        for c in candidates
        if not (email and _key(c.email)) and _key(c.name) == _key(speaker.name)
    ]
    return next(iter(by_email + by_name), None)


def mend_speakers(apps) -> set[int]:
    """Each talk's and poster's speakers of their own edition; the editions touched."""
    Speaker = apps.get_model("program", "Speaker")
    Talk = apps.get_model("program", "Talk")
    Poster = apps.get_model("program", "Poster")
    copied = [f.name for f in Speaker._meta.concrete_fields if f.name not in NOT_COPIED]
    touched = set()
    replacements = {}  # (speaker id, edition id) → the speaker of that edition
    for owner, through in (("talk", Talk.speakers.through), ("poster", Poster.presenters.through)):
        links = (
            through.objects.exclude(speaker__workshop=F(f"{owner}__workshop"))
            .select_related("speaker", owner)
            .order_by("pk")
        )
        for link in links:
            speaker, edition = link.speaker, getattr(link, owner).workshop_id
            if (speaker.pk, edition) not in replacements:
                candidates = Speaker.objects.filter(workshop_id=edition).order_by("pk")
                replacement = same_person(speaker, candidates)
                if replacement is None:
                    copy = {name: getattr(speaker, name) for name in copied}
                    replacement = Speaker.objects.create(workshop_id=edition, **copy)
                replacements[speaker.pk, edition] = replacement
            replacement = replacements[speaker.pk, edition]
            owner_id = getattr(link, f"{owner}_id")
            already = through.objects.filter(**{f"{owner}_id": owner_id, "speaker": replacement})
            if already.exists():  # it names them both already: once is enough
                link.delete()
            else:
                through.objects.filter(pk=link.pk).update(speaker=replacement)
            if owner == "talk":
                Talk.objects.filter(pk=owner_id).update(sequence=F("sequence") + 1)
            touched |= {edition, speaker.workshop_id}
    return touched


def mend_slots(apps) -> set[int]:
    """Each slot without another edition's talk; the editions touched."""
    Session = apps.get_model("program", "Session")
    Talk = apps.get_model("program", "Talk")
    touched = set()
    longest = Session._meta.get_field("title").max_length
    slots = Session.objects.exclude(talk=None).exclude(talk__workshop=F("workshop"))
    for slot in slots.select_related("talk"):
        talk = slot.talk
        Session.objects.filter(pk=slot.pk).update(
            title=slot.title or talk.title[:longest],
            talk=None,
            sequence=F("sequence") + 1,
        )
        Talk.objects.filter(pk=talk.pk).update(sequence=F("sequence") + 1)
        touched |= {slot.workshop_id, talk.workshop_id}
    return touched


def mend_links(apps, schema_editor):
    touched = mend_speakers(apps) | mend_slots(apps)
    if touched:
        Workshop = apps.get_model("program", "Workshop")
        Workshop.objects.filter(pk__in=touched).update(content_changed_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("program", "0015_one_venue_address"),
    ]

    operations = [
        # Backwards, the links stay mended: the older code shows them as well.
        migrations.RunPython(mend_links, migrations.RunPython.noop),
    ]
