"""`studio-comm campaign run|report`: campaigns from the command line, for automation.

    studio-comm campaign run --profile NAME --name CAMPAIGN --category CATEGORY
        --channel CHANNEL --subject TEXT --body-file FILE [--status MEMBER[,PROSPECT,...]]
        [--staff NAME] [--base-url URL] [--data-dir DIR | --journal URL]
    studio-comm campaign report --name CAMPAIGN [--profile NAME] [--members | --csv FILE]
        [--data-dir DIR | --journal URL]

`run` sends the campaign headless (core.campaigns) with a progress line on stderr. The
API key comes from the profile's keyring entry (service studio-comm, user NAME), never
from an argument; the address from --base-url, else the profile in the data dir's
settings (as the app keeps it), else the profile the journal recorded when the app last
connected. Running the same --name again continues that campaign, and is refused when
the given category, channel, statuses, subject or body differ from the stored ones.
SIGINT or SIGTERM pause the run after the members in flight (a second one stops at once).

Exit status of `run`: 0 every targeted member has an outcome; 1 members remain (the run
paused itself, was paused, or Magicline could not be reached: the reason is on stderr);
2 refused before anything was sent (arguments, definition, key, address, a cancelled
campaign); 3 the campaign is running at another desk.

`report` prints the members per outcome, one `OUTCOME COUNT` line each; `--members` adds
every member with the outcome, `--csv FILE` ("-" for stdout) writes them as CSV instead.
"""

from __future__ import annotations

import argparse
import asyncio
import configparser
import logging
import signal
import socket
import sys
import time
from pathlib import Path
from typing import TextIO

from studio_comm.api import errors
from studio_comm.api.client import BaseUrlError, MagiclineClient
from studio_comm.api.models import Channel, CustomerStatus, MessageCategory
from studio_comm.core.audit import AuditLog
from studio_comm.core.campaign import (
    CampaignCancelledError,
    CampaignDefinition,
    CampaignError,
    CampaignReport,
    RunningElsewhereError,
    StopReason,
    report,
)
from studio_comm.core.campaign_run import CampaignProgress
from studio_comm.core.campaigns import Campaigns
from studio_comm.core.credentials import CredentialError, CredentialStore
from studio_comm.core.desk import Desk, os_user_name
from studio_comm.core.export import write_campaign_csv
from studio_comm.core.messaging import Messenger
from studio_comm.journal import AsyncJournal, Journal, JournalUnavailableError, JournalVersionError
from studio_comm.journal.records import CampaignOutcome, CampaignRecord

PROG = "studio-comm campaign"
COMPLETE, REMAINING, REFUSED, ELSEWHERE = 0, 1, 2, 3
PROGRESS_SECONDS = 2.0  # between progress lines when stderr is not a terminal
PROGRESS_SECONDS_TTY = 0.5

# How the command line words a stop reason (the UI has its own, translated).
REASONS: dict[str, str] = {
    StopReason.PAUSED: "paused",
    StopReason.CANCELLED: "cancelled",
    StopReason.FAILURES: "paused itself: members failed in a row",
    StopReason.KEY_REFUSED: "paused itself: Magicline refused the API key",
    StopReason.JOURNAL_UNAVAILABLE: "paused itself: the journal could not record",
    StopReason.LEASE_LOST: "stopped: another desk took the campaign over",
    StopReason.FAILED_MEMBERS: "paused: some members could not be sent to (run again to retry them)",
    StopReason.ERROR: "paused itself after an unexpected error",
    StopReason.INTERRUPTED: "paused: its last run stopped without finishing",
}


class Refused(Exception):
    """Nothing was sent: the message says why."""

    def __init__(self, message: str, status: int = REFUSED) -> None:
        super().__init__(message)
        self.status = status


def _statuses(text: str) -> tuple[str, ...]:
    values = tuple(v.strip().upper() for v in text.split(",") if v.strip())
    unknown = [v for v in values if not CustomerStatus(v).known]
    if unknown or not values:
        raise argparse.ArgumentTypeError(
            f"expected one or more of {','.join(CustomerStatus.__members__)}, not {text!r}")
    return values


def _enum(enum: type[MessageCategory] | type[Channel]):
    def parse(text: str) -> str:
        value = text.strip().upper()
        if not enum(value).known:
            raise argparse.ArgumentTypeError(f"expected one of {', '.join(enum.__members__)}, not {text!r}")
        return value

    return parse


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog=PROG, description="Consent-gated campaigns: one message to every "
                                  "targeted member who agreed, exactly once.", allow_abbrev=False)
    commands = top.add_subparsers(dest="command", required=True, metavar="run|report")

    def storage(sub: argparse.ArgumentParser) -> None:
        where = sub.add_mutually_exclusive_group()
        where.add_argument("--data-dir", metavar="DIR", type=Path,
                           help="the app's data dir (journal.sqlite, settings.ini); default: the user's")
        where.add_argument("--journal", metavar="URL", help="a shared journal, e.g. postgresql+psycopg://host/db")

    run = commands.add_parser("run", help="send a campaign, or continue the one of that name",
                              description="Send a campaign, or continue the one of that name.",
                              epilog="Exit status: 0 every targeted member has an outcome; 1 members remain "
                              "(paused: the reason is on stderr); 2 refused, nothing sent; 3 running at "
                              "another desk.", allow_abbrev=False)
    run.add_argument("--profile", metavar="NAME", required=True, help="studio profile (its key is in the keyring)")
    run.add_argument("--name", metavar="CAMPAIGN", required=True, help="the campaign's name, unique in the studio")
    run.add_argument("--category", metavar="CATEGORY", required=True, type=_enum(MessageCategory),
                     help=", ".join(MessageCategory.__members__))
    run.add_argument("--channel", metavar="CHANNEL", required=True, type=_enum(Channel),
                     help=", ".join(Channel.__members__))
    run.add_argument("--subject", metavar="TEXT", required=True, help="the subject (variables allowed)")
    run.add_argument("--body-file", metavar="FILE", required=True, type=Path,
                     help="the text, UTF-8 (variables allowed, e.g. {{member.first_name|there}})")
    run.add_argument("--status", metavar="MEMBER[,PROSPECT,...]", type=_statuses, default=("MEMBER",),
                     help="the customer statuses it targets (default: MEMBER)")
    run.add_argument("--staff", metavar="NAME",
                     help="who sends it: the messages' agent and the audit's author (default: this system user)")
    run.add_argument("--base-url", metavar="URL", help="the studio's API address (default: the profile's)")
    storage(run)

    rep = commands.add_parser("report", help="what became of a campaign's members",
                              description="What became of a campaign's members: the count per outcome.",
                              allow_abbrev=False)
    rep.add_argument("--name", metavar="CAMPAIGN", required=True)
    rep.add_argument("--profile", metavar="NAME", help="the studio, when several have a campaign of that name")
    listing = rep.add_mutually_exclusive_group()
    listing.add_argument("--members", action="store_true", help="also list every member with the outcome")
    listing.add_argument("--csv", metavar="FILE", help="write every member with the outcome as CSV ('-': stdout)")
    storage(rep)
    return top


def main(argv: list[str] | None = None) -> int:
    options = parser().parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="studio-comm: %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        if options.command == "run":
            return asyncio.run(_run(options))
        return asyncio.run(_report(options))
    except Refused as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return exc.status
    except JournalVersionError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return REFUSED


# ------------------------------------------------------------------------------ where


def _data_dir(options: argparse.Namespace) -> Path:
    if options.data_dir is not None:
        return options.data_dir.expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("studio-comm", appauthor=False))


async def _open_journal(options: argparse.Namespace) -> AsyncJournal:
    target: str | Path = options.journal or (_data_dir(options) / "journal.sqlite")
    if not options.journal:
        # Member messages and names live there: for this user's eyes only, as the app keeps it.
        _data_dir(options).mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        return AsyncJournal(await asyncio.to_thread(Journal.open, target))
    except JournalUnavailableError as exc:
        raise Refused(str(exc)) from None


def settings_base_url(settings: Path, profile: str) -> str | None:
    """The profile's address as the app keeps it in settings.ini (QSettings' INI format:
    `[profiles]`, `N\\name=...`, `N\\base_url=...`, a value quoted when it holds , ; = or ")."""
    ini = configparser.ConfigParser(interpolation=None, strict=False)
    ini.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    try:
        ini.read(settings, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    if not ini.has_section("profiles"):
        return None
    values = {key: _ini_value(value) for key, value in ini.items("profiles")}
    for key, name in values.items():
        index, _, field = key.partition("\\")
        if field == "name" and name == profile:
            return values.get(f"{index}\\base_url") or None
    return None


def _ini_value(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        raw = raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return raw


async def _base_url(options: argparse.Namespace, journal: AsyncJournal) -> str:
    if options.base_url:
        return options.base_url
    found = settings_base_url(_data_dir(options) / "settings.ini", options.profile)
    if found:
        return found
    profile = await journal.profile(options.profile)
    if profile is not None:
        return profile.base_url
    raise Refused(f"The address of profile “{options.profile}” is not known here: give --base-url, or "
                  "connect to the studio once with the app (with the same --data-dir or --journal).")


# ------------------------------------------------------------------------------ run


async def _run(options: argparse.Namespace) -> int:
    try:
        body = options.body_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise Refused(f"The text cannot be read from {options.body_file}: {exc}") from None
    definition = CampaignDefinition(options.name, options.category, options.channel, options.status,
                                    options.subject, body)
    try:
        definition = definition.checked()
    except CampaignError as exc:
        raise Refused(str(exc)) from None
    try:
        key = await asyncio.to_thread(CredentialStore().get, options.profile)
    except CredentialError as exc:
        raise Refused(str(exc)) from None
    if not key:
        raise Refused(f"No API key is stored for the studio profile “{options.profile}” in this computer's "
                      "keyring (service studio-comm); save it with the app's connection dialog first.")
    journal = await _open_journal(options)
    try:
        base_url = await _base_url(options, journal)
        try:
            client = MagiclineClient(base_url, key, language="en")
        except BaseUrlError as exc:
            raise Refused(f"The address of profile “{options.profile}” cannot be used: {exc}") from None
        except ValueError as exc:  # the key (worded without it)
            raise Refused(str(exc)) from None
        async with client:
            return await _send(options, definition, client, journal)
    finally:
        await journal.aclose()


async def _send(options: argparse.Namespace, definition: CampaignDefinition, client: MagiclineClient,
                journal: AsyncJournal) -> int:
    try:
        await client.check_key()
        studio = await client.studio_information()
    except errors.BadKeyError:
        raise Refused(f"Magicline refused the API key of profile “{options.profile}”.") from None
    except errors.ApiError as exc:
        print(f"{PROG}: Magicline cannot be reached: {exc}", file=sys.stderr)
        return REMAINING
    await journal.save_profile(options.profile, client.base_url, studio_id=studio.studio_id, studio_name=studio.name)
    # Nothing goes out without a person: the system user who runs it, unless named. The
    # command is a desk of its own in the journal: the app on this computer must not take its
    # messages for the app's own (it shows other desks' live, and marks its own left pending
    # at start as unknown).
    desk = Desk(f"{socket.gethostname()} (campaign command)", options.staff or os_user_name() or None)
    audit = AuditLog(journal, desk)
    messenger = Messenger(client, journal, audit, studio.studio_id, desk)
    campaigns = Campaigns(client, journal, audit, studio, desk, messenger)
    try:
        campaign = await campaigns.open(definition)
    except CampaignError as exc:
        raise Refused(str(exc)) from None
    printer = _ProgressLine(campaign, sys.stderr)
    run = campaigns.run(campaign, on_progress=printer)
    stopping = _on_stop_signals(run.pause, run.abandon)
    try:
        progress = await run.execute()
    except asyncio.CancelledError:  # abandoned by a second signal
        progress = run.progress
    except CampaignCancelledError as exc:
        raise Refused(str(exc)) from None
    except RunningElsewhereError as exc:
        raise Refused(str(exc), ELSEWHERE) from None
    finally:
        stopping()
    printer(progress, final=True)
    if progress.reason is not None:
        why = REASONS.get(progress.reason, progress.reason)
        print(f"{PROG}: “{campaign.name}” {why}" + (f": {progress.reason_detail}" if progress.reason_detail
                                                   else ""), file=sys.stderr)
    result = await campaigns.report(campaign.id)
    if result.counts[CampaignOutcome.UNKNOWN]:
        print(f"{PROG}: {result.counts[CampaignOutcome.UNKNOWN]} member(s) may or may not have received it "
              f"(outcome unknown: never sent again automatically); see `{PROG} report --name ... --members`.",
              file=sys.stderr)
    return COMPLETE if result.complete else REMAINING


def _on_stop_signals(pause, abandon):
    """SIGINT/SIGTERM: the first pauses the run, a second stops it at once (the members in
    flight are then unknown). Returns the undo."""
    loop = asyncio.get_running_loop()
    count = [0]

    def stop() -> None:
        count[0] += 1
        if count[0] == 1:
            print(f"{PROG}: pausing after the members in flight (again to stop at once)", file=sys.stderr)
            pause()
        else:
            abandon()

    signals = (signal.SIGINT, signal.SIGTERM)
    try:
        for number in signals:
            loop.add_signal_handler(number, stop)
    except (NotImplementedError, RuntimeError):  # Windows' event loop: Ctrl+C stops at once
        return lambda: None

    def undo() -> None:
        for number in signals:
            loop.remove_signal_handler(number)

    return undo


class _ProgressLine:
    """The progress line on stderr: rewritten in place on a terminal, a line every few
    seconds otherwise (a log of a scheduled run)."""

    def __init__(self, campaign: CampaignRecord, stream: TextIO) -> None:
        self.name = campaign.name
        self.stream = stream
        self.tty = stream.isatty()
        self.every = PROGRESS_SECONDS_TTY if self.tty else PROGRESS_SECONDS
        self.last = float("-inf")

    def __call__(self, progress: CampaignProgress, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last < self.every:
            return
        self.last = now
        counts = ", ".join(f"{o} {n}" for o, n in progress.counts.items()
                           if n and o not in (CampaignOutcome.PENDING, CampaignOutcome.SENDING))
        if progress.listing:
            line = f"“{self.name}”: listing the members ({progress.total} so far)"
        else:
            line = f"“{self.name}”: {progress.done}/{progress.total} done" + (f" ({counts})" if counts else "")
            if not final:
                line += f", {progress.rate_per_minute:.0f}/min"
                if progress.seconds_left is not None:
                    line += f", about {_duration(progress.seconds_left)} left"
        if self.tty:
            self.stream.write("\r\x1b[K" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


# ------------------------------------------------------------------------------ report


async def _report(options: argparse.Namespace) -> int:
    journal = await _open_journal(options)
    try:
        found = await journal.campaigns(name=options.name.strip())
        if options.profile:
            profile = await journal.profile(options.profile)
            if profile is None or profile.studio_id is None:
                raise Refused(f"The journal knows no studio profile “{options.profile}”.")
            found = [c for c in found if c.studio_id == profile.studio_id]
        if not found:
            raise Refused(f"There is no campaign “{options.name}” in this journal.")
        if len(found) > 1:
            raise Refused(f"{len(found)} studios have a campaign “{options.name}”: choose one with --profile.")
        result = await report(journal, found[0].id, members=bool(options.members or options.csv))
    finally:
        await journal.aclose()
    if options.csv:
        if options.csv == "-":
            write_campaign_csv(sys.stdout, result.members)  # type: ignore[arg-type]
        else:
            write_campaign_csv(Path(options.csv), result.members)
            print(_summary(result), file=sys.stderr)
        return 0
    print(_summary(result))
    if options.members:
        for m in result.members:
            print("\t".join([m.outcome, str(m.customer_id), m.customer_number or "", m.name,
                             m.detail or "", str(m.remote_thread_id or ""), m.request_id or ""]))
    return 0


def _summary(result: CampaignReport) -> str:
    c = result.campaign
    reason = f" ({REASONS.get(result.reason, result.reason)})" if result.reason else ""
    lines = [
        f"campaign “{c.name}”: {c.category} by {c.channel} to {', '.join(c.statuses)}: {result.status.value}{reason}",
        f"created {c.created_at:%Y-%m-%d %H:%M} UTC" + (f" by {c.created_by}" if c.created_by else "")
        + (f" at {c.created_workstation}" if c.created_workstation else ""),
    ]
    width = max(len(o) for o in result.counts)
    lines += [f"{outcome:<{width}} {count}" for outcome, count in result.counts.items()]
    lines.append(f"{'total':<{width}} {result.total}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
