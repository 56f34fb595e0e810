"""The SSRF guard: a callback URL may only reach public addresses, checked every time.

Every address a host name resolves to must be a public unicast address; one forbidden
answer refuses the URL (an attacker controls which answer a client would pick). The
vetted address is what the sender connects to, so a DNS answer that changes between
the check and the connection cannot lead it elsewhere. An administrator may allow a
host by name (`WEBHOOK_ALLOWED_HOSTS`), e.g. a receiver on the city's own network.
"""

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

# Named so that a refusal says which class the address fell in; anything else that is
# not globally routable (reserved, documentation, benchmarking ...) is refused too.
FORBIDDEN: tuple[tuple[str, list[ipaddress.IPv4Network | ipaddress.IPv6Network]], ...] = (
    ("cloud metadata", [ipaddress.ip_network("169.254.169.254/32"),
                        ipaddress.ip_network("fd00:ec2::254/128")]),
    ("loopback", [ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128")]),
    ("unspecified", [ipaddress.ip_network("0.0.0.0/8"), ipaddress.ip_network("::/128")]),
    ("private", [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12",
                                                   "192.168.0.0/16")]),
    ("link-local", [ipaddress.ip_network("169.254.0.0/16"), ipaddress.ip_network("fe80::/10")]),
    ("carrier-grade NAT", [ipaddress.ip_network("100.64.0.0/10")]),
    ("multicast", [ipaddress.ip_network("224.0.0.0/4"), ipaddress.ip_network("ff00::/8")]),
    ("IPv6 unique-local", [ipaddress.ip_network("fc00::/7")]),
)  # fmt: skip


class UrlRefused(Exception):
    """The URL may not be called; the message says why, for the subscriber."""


@dataclass(frozen=True)
class Vetted:
    scheme: str
    host: str
    port: int
    target: str  # path and query, as sent
    address: str  # the vetted address to connect to

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"

    @property
    def connect_url(self) -> str:
        address = f"[{self.address}]" if ":" in self.address else self.address
        return f"{self.scheme}://{address}:{self.port}{self.target}"


def system_resolver(host: str, port: int) -> list[str]:
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as failure:
        raise UrlRefused(f"host {host!r} does not resolve ({failure})") from None
    return sorted({str(answer[4][0]) for answer in answers})


def address_class(address: IpAddress) -> str | None:
    """The forbidden class an address falls in, or None for a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address_class(address.ipv4_mapped)
    for name, networks in FORBIDDEN:
        if any(address in network for network in networks if network.version == address.version):
            return name
    if not address.is_global:
        return "not publicly routable"
    return None


def vet(url: str, *, allowed_hosts: list[str], resolve: Resolver = system_resolver) -> Vetted:
    """Check the URL and every address its host resolves to; return what to connect to."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UrlRefused("the URL must be http or https")
    if parts.username or parts.password:
        raise UrlRefused("the URL must not carry a user name or password")
    host = (parts.hostname or "").lower()
    if not host:
        raise UrlRefused("the URL has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UrlRefused("the URL's port is not a number from 1 to 65535") from None
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        literal: IpAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    answers = [str(literal)] if literal is not None else resolve(host, port)
    if not answers:
        raise UrlRefused(f"host {host!r} does not resolve")
    if host not in allowed_hosts:
        for answer in answers:
            refused = address_class(ipaddress.ip_address(answer))
            if refused is not None:
                raise UrlRefused(
                    f"{host!r} resolves to {answer}, a {refused} address; webhooks only "
                    "reach public addresses"
                )
    return Vetted(scheme=parts.scheme, host=host, port=port, target=target, address=answers[0])
