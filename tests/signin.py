"""Signing in as a member of staff does: through the two-step login page (password, then a code)."""

from django_otp.oath import totp

LOGIN_URL = "/account/login/"


def sign_in(client, username, password, *, device=None, next_url="/admin/", address="127.0.0.1"):
    """Post the password step (and the code step when ``device``, a TOTPDevice, is given); returns the
    last response. ``address`` is the client address the server sees."""
    client.get(LOGIN_URL, {"next": next_url}, REMOTE_ADDR=address)
    response = client.post(
        f"{LOGIN_URL}?next={next_url}",
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": password},
        REMOTE_ADDR=address,
    )
    if device is not None and response.status_code == 200:
        response = client.post(
            f"{LOGIN_URL}?next={next_url}",
            {"login_view-current_step": "token", "token-otp_token": current_code(device)},
            REMOTE_ADDR=address,
        )
    return response


def current_code(device):
    """The six-digit code the device's authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
