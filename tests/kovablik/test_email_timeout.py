"""A mail server that accepts the connection and then never answers cannot hold a submission for long."""

import socket
import threading

from django.core.mail import get_connection

from submissions import emails


def test_a_silent_mail_server_costs_at_most_the_timeout(settings):
    assert settings.EMAIL_TIMEOUT == 10  # the default from the environment helpers
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    held = []
    threading.Thread(target=lambda: held.append(listener.accept()), daemon=True).start()  # accept, never greet
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = listener.getsockname()
    settings.EMAIL_TIMEOUT = 1
    assert get_connection().timeout == 1
    result = []
    sender = threading.Thread(target=lambda: result.append(emails.send("receipt", ["a@example.org"], {})))
    sender.start()
    sender.join(120)  # liveness, not speed: without a timeout the send waits for the server forever
    assert result == [False]  # given up, logged, and the caller goes on
    listener.close()
