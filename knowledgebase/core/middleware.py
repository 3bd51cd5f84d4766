"""Content-Security-Policy: strict on the public site, relaxed only where Django's admin needs it.

Public templates carry no inline script or style, so the policy allows
nothing but this site's own files. Django 5.2's admin uses a few inline
scripts and styles, so its pages allow those.
"""

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
ADMIN = {**STRICT, "script-src": "'self' 'unsafe-inline'", "style-src": "'self' 'unsafe-inline'"}
# Swagger UI (the API documentation page) sets inline styles; its scripts are files.
API_DOCS = {**STRICT, "style-src": "'self' 'unsafe-inline'"}


def _header(policy):
    return "; ".join(f"{directive} {sources}" for directive, sources in policy.items())


STRICT_HEADER = _header(STRICT)
ADMIN_HEADER = _header(ADMIN)
API_DOCS_HEADER = _header(API_DOCS)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            match = getattr(request, "resolver_match", None)
            namespace = match.namespace if match is not None else ""
            if namespace == "admin":
                response["Content-Security-Policy"] = ADMIN_HEADER
            elif namespace == "api" and match.url_name == "docs":
                response["Content-Security-Policy"] = API_DOCS_HEADER
            else:
                response["Content-Security-Policy"] = STRICT_HEADER
        return response
