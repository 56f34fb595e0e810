"""Whole mails: headers, the text and HTML bodies, and the unsubscribe headers."""

from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from app.api import API_PREFIX
from app.clock import utcnow
from app.config import Settings
from app.mail.digest_lines import Line
from app.mail.models import MailMessage
from app.mail.render import plural, render
from app.notifications import links

# Headers up to RFC 5322's line limit stay as they are: a List-Unsubscribe address must
# reach the mail program as written, not folded into an encoded word.
HEADERS_WHOLE = policy.default.clone(max_line_length=998)


def new_message_id(settings: Settings, token: str) -> str:
    """A Message-ID in the sender's domain, made once per mail and kept for its resends."""
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "citygate.invalid"
    return f"<{token}@{domain}>"


def digest_mail(
    message: MailMessage,
    *,
    name: str,
    pseudonym: str,
    lines: list[Line],
    total: int,
    settings: Settings,
) -> EmailMessage:
    """The digest of `lines` (of `total` reminders) for one person, with a one-click
    unsubscribe (RFC 8058) from whatever in it may be switched off."""
    subject = plural(
        message.language, "citygate: %(num)d reminder", "citygate: %(num)d reminders", total
    )
    rest = total - len(lines)
    more = (
        plural(
            message.language, "… and %(num)d more reminder.", "… and %(num)d more reminders.", rest
        )
        if rest > 0
        else ""
    )
    optional = any(not line.mandatory for line in lines)
    text, html = render(
        "digest",
        message.language,
        subject=subject,
        name=name,
        lines=lines,
        more=more,
        preferences_url=f"{settings.public_base_url}{API_PREFIX}/people/me/notifications",
        unsubscribe=optional,
    )
    mail = _mail(message, subject, text, html, settings)
    if optional and message.person_id is not None:
        mail["List-Unsubscribe"] = f"<{links.url_for(message.person_id, pseudonym)}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return mail


def single_mail(
    message: MailMessage,
    *,
    name: str,
    subject: str,
    paragraphs: list[str],
    link: str | None,
    link_label: str | None,
    settings: Settings,
) -> EmailMessage:
    text, html = render(
        message.template,
        message.language,
        subject=subject,
        name=name,
        paragraphs=paragraphs,
        link=link,
        link_label=link_label,
    )
    return _mail(message, subject, text, html, settings)


def _mail(
    message: MailMessage, subject: str, text: str, html: str, settings: Settings
) -> EmailMessage:
    mail = EmailMessage(policy=HEADERS_WHOLE)
    mail["From"] = settings.mail_from
    mail["To"] = message.to_address or ""
    mail["Subject"] = subject
    mail["Date"] = format_datetime(utcnow())
    mail["Message-ID"] = message.message_id
    mail["Content-Language"] = message.language
    # Sent by a program, not a person: no out-of-office replies (RFC 3834).
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(text)
    mail.add_alternative(html, subtype="html")
    return mail
