"""Login throttling (django-axes) with two counters and the client address behind a proxy.

`AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]` makes axes count failures
for an account from one address and, separately, for one address over all accounts. axes applies
one `AXES_FAILURE_LIMIT` to both, which would lock a township office (one NAT address, thirty
staff) after five typos among them; this handler gives the address its own, higher limit,
`AXES_ADDRESS_FAILURE_LIMIT`. So:

- five wrong passwords for `county` from one address lock `county` from that address only;
  `county` still logs in from anywhere else (nobody can lock an account out from outside);
- one address that tries passwords against many accounts is locked for all of them once it has
  failed `AXES_ADDRESS_FAILURE_LIMIT` times (20) within the cool-off (30 minutes).

A successful login clears that account's failures from that address only, never the address's
failures for other accounts (axes' own reset would clear the whole address, so an attacker with
one valid account could wipe the counter by logging in to it).
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


def client_ip_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind CLIENT_IP_PROXY_COUNT proxies (env AXES_PROXY_COUNT) the entry of
    X-Forwarded-For that the outermost trusted proxy saw (each proxy appends what it saw, so
    anything further left was written by the client and can be forged)."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.CLIENT_IP_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        # Not through all our proxies: nothing in the header can be trusted.
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class PortalLockoutHandler(AxesDatabaseHandler):
    """axes' database handler, with a separate limit for the address-only counter."""

    def get_failures(self, request, credentials=None) -> int:
        """Failures of the worst counter, scaled so that axes' single limit locks each at its own."""
        limit = get_failure_limit(request, credentials)
        worst = 0
        counted = zip(
            get_lockout_parameters(request, credentials), self.get_user_attempts(request, credentials), strict=True
        )
        for parameter, attempts in counted:
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameter == "ip_address":
                if failures >= settings.AXES_ADDRESS_FAILURE_LIMIT:
                    worst = max(worst, limit)
            else:
                worst = max(worst, failures)
        return worst

    def reset_user_attempts(self, request, credentials=None) -> int:
        """On a successful login: this account's failures from this address, nothing more."""
        count = 0
        counted = zip(
            get_lockout_parameters(request, credentials), self.filter_user_attempts(request, credentials), strict=True
        )
        for parameter, attempts in counted:
            if parameter != "ip_address":
                deleted, _ = attempts.delete()
                count += deleted
        return count
