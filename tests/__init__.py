"""The test suite.

Set here, before anything reads the settings: in-process tests hand tasks (the outbox
kick) to an in-memory broker and write mail into a scratch folder. Tests that run real
workers give them their own broker, database and SMTP server.
"""

import os
import tempfile

os.environ["CELERY_BROKER_URL"] = "memory://"
os.environ["MAIL_DIR"] = tempfile.mkdtemp(prefix="citygate-test-mail-")
os.environ.pop("SMTP_HOST", None)
