"""Hand a composed mail to the SMTP server, or, without one, to a file in `mail_dir`.

Without SMTP (the embedded default) each mail is a `.eml` file named after its
Message-ID, so writing it again replaces it: a retried send leaves one file.
"""

import os
import re
import smtplib
import ssl
import tempfile
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from app.config import Settings

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class MailNotSent(Exception):
    """The SMTP server refused the mail or could not be reached; it can be tried again."""


def deliver(message: EmailMessage, settings: Settings) -> None:
    """Send `message` now; raises MailNotSent when it could not be handed over."""
    if settings.smtp_host is None:
        write_eml(message, settings.mail_dir)
        return
    try:
        with _connect(settings) as smtp:
            if settings.smtp_username and settings.smtp_password is not None:
                smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as failure:
        raise MailNotSent(str(failure) or type(failure).__name__) from failure


def _connect(settings: Settings) -> smtplib.SMTP:
    host, port, timeout = (
        settings.smtp_host or "",
        settings.smtp_port,
        settings.smtp_timeout_seconds,
    )
    # Named here: left out, smtplib looks its own name up in the DNS on every connection,
    # which takes seconds on a host whose resolver does not know it.
    local = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "localhost"
    if settings.smtp_ssl:
        context = ssl.create_default_context()
        return smtplib.SMTP_SSL(host, port, local_hostname=local, timeout=timeout, context=context)
    smtp = smtplib.SMTP(host, port, local_hostname=local, timeout=timeout)
    if settings.smtp_starttls:
        smtp.starttls(context=ssl.create_default_context())
    return smtp


def write_eml(message: EmailMessage, directory: Path) -> Path:
    """Write the mail as `<Message-ID>.eml` in `directory`, whole or not at all."""
    directory.mkdir(parents=True, exist_ok=True)
    name = _UNSAFE.sub("_", str(message["Message-ID"]).strip("<>")) + ".eml"
    target = directory / name
    with tempfile.NamedTemporaryFile("wb", dir=directory, delete=False, suffix=".part") as part:
        part.write(message.as_bytes())
    os.replace(part.name, target)
    return target
