"""gunicorn's configuration (read from the working directory; the Procfile names it too).

The access log leaves query strings and the Referer out: they are where personal data (a search
for a name or an ID number, an old bookmark) would reach a log file. `%(U)s` is the path alone.
The error log goes through the portal's filter (apps.core.logging), which strips query strings
from the URLs in its records ("Error handling request /path?...") and masks ID and mobile numbers.
"""

import os
import sys

from gunicorn.glogging import Logger

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from apps.core.logging import RedactPersonalDataFilter

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'


class PortalLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactPersonalDataFilter) for f in log.filters):
                log.addFilter(RedactPersonalDataFilter())


logger_class = PortalLogger
