"""Who is asking: the client address that rate limits and sign-in lockouts count by.

Without a proxy it is the connection's address. Behind one (``BEHIND_PROXY``), it is the address the
proxy appended to ``X-Forwarded-For``: counted from the right, ``PROXY_COUNT`` hops in, because
everything left of what the proxies added is whatever the client chose to send.

IPv6 addresses are reduced to their /64 network (its first address): one subscriber usually holds a
whole /64 and could otherwise take a new address per request. None when there is no valid address.
"""

import ipaddress

from django.conf import settings

IPV6_PREFIX = 64


def client_address(request):
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= settings.PROXY_COUNT:
            address = hops[-settings.PROXY_COUNT]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False).network_address)
    return str(ip)


def client_address_for_axes(request):
    """django-axes's AXES_CLIENT_IP_CALLABLE."""
    return client_address(request)
