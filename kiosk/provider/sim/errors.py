"""The simulator's refusals, in the operator API's one error envelope."""

from __future__ import annotations

from typing import Any

from kiosk.core.errors import Category


class ApiError(Exception):
    """An answer other than success: HTTP status plus the envelope's code and category."""

    def __init__(
        self,
        status: int,
        code: str,
        category: Category,
        message: str,
        **details: Any,
    ) -> None:
        self.status = status
        self.code = code
        self.category = category
        self.message = message
        self.details = details
        super().__init__(f"{status} {code}: {message}")

    def envelope(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "category": self.category.value,
                "message": self.message,
                "details": self.details,
            }
        }


def user_error(status: int, code: str, message: str, **details: Any) -> ApiError:
    return ApiError(status, code, Category.USER, message, **details)


def operational_error(status: int, code: str, message: str, **details: Any) -> ApiError:
    return ApiError(status, code, Category.OPERATIONAL, message, **details)
