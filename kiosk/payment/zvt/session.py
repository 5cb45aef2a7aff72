"""The master/slave turn of one ZVT command, by the book.

The ECR sends a command and waits T3 for 80 00 (or 84 xx, a refusal). From then the terminal
is master: it sends intermediate status (04 FF), status information (04 0F) and print lines
(06 D1 / 06 D3), and the ECR acknowledges each with 80 00 (a 04 0F may instead get 84 66,
"goods not delivered", when the ECR controls the payment). Completion (06 0F) or abort
(06 1E) ends the turn; the ECR acknowledges it and is master again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.payment.zvt import messages as m
from kiosk.payment.zvt.errors import UnexpectedMessage, ZvtError
from kiosk.payment.zvt.transport import Link


class Refused(ZvtError):
    """The terminal answered the command with 84 xx: it did not start it."""

    def __init__(self, code: int) -> None:
        super().__init__(f"terminal refused the command: 84 {code:02X}")
        self.code = code


@dataclass
class Turn:
    """What the terminal said while it was master."""

    statuses: list[int] = field(default_factory=list)
    infos: list[m.StatusInformation] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    end: m.Completion | m.AbortAnswer | None = None

    @property
    def info(self) -> m.StatusInformation | None:
        """The status information that carries the result (the last with a result code)."""
        with_result = [i for i in self.infos if i.result is not None]
        return with_result[-1] if with_result else (self.infos[-1] if self.infos else None)


def send_command(link: Link, command) -> None:
    """Send and wait T3 for the acknowledgement; ``Refused`` on 84 xx."""
    link.send(command.to_apdu())
    answer = m.decode(link.receive(link.timeouts.ack_s))
    if isinstance(answer, m.Nak):
        raise Refused(answer.code)
    if not isinstance(answer, m.Ack):
        raise UnexpectedMessage(f"expected 80 00, got {type(answer).__name__}")


def run(
    link: Link,
    command,
    on_status: Callable[[int], None] = lambda status: None,
    on_info: Callable[[m.StatusInformation], m.Nak | None] = lambda info: None,
    turn: Turn | None = None,
    on_master: Callable[[bool], None] = lambda master: None,
) -> Turn:
    """One command and the terminal's whole turn. ``turn`` is filled as messages arrive, so
    a caller that catches ``ConnectionLost`` still knows what came before the loss.
    ``on_master`` says when the terminal takes the turn (True) and hands it back (False):
    only in between may the ECR interrupt with 06 B0."""
    turn = turn if turn is not None else Turn()
    send_command(link, command)
    on_master(True)
    try:
        return _terminal_turn(link, turn, on_status, on_info)
    finally:
        on_master(False)


def _terminal_turn(link: Link, turn: Turn, on_status, on_info) -> Turn:
    while turn.end is None:
        message = m.decode(link.receive(link.timeouts.idle_s))
        reply: m.Ack | m.Nak = m.Ack()
        if isinstance(message, m.Ack):
            continue  # the terminal's acknowledgement of our 06 B0
        if isinstance(message, m.IntermediateStatus):
            turn.statuses.append(message.status)
            on_status(message.status)
        elif isinstance(message, m.StatusInformation):
            turn.infos.append(message)
            reply = on_info(message) or reply
        elif isinstance(message, m.PrintLine):
            turn.lines.append(message.text)
        elif isinstance(message, m.PrintTextBlock):
            turn.lines.extend(message.lines)
        elif isinstance(message, (m.Completion, m.AbortAnswer)):
            turn.end = message
        else:
            link.send(m.Nak(0x83).to_apdu())  # "function not possible" at this point
            raise UnexpectedMessage(f"{type(message).__name__} while the terminal is master")
        link.send(reply.to_apdu())
    return turn
