"""DynamoDB cancellations: only lost races are conflicts worth retrying."""

import pytest
from botocore.exceptions import ClientError

from functions.core.store.dynamodb import _cancellation_error
from functions.core.store.items import ConditionFailed, StoreError


def cancelled(*codes: str) -> ClientError:
    reasons = [{"Code": code} for code in codes]
    return ClientError(
        {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}, "CancellationReasons": reasons},
        "TransactWriteItems",
    )


@pytest.mark.parametrize("codes", [("ConditionalCheckFailed", "None"), ("None", "TransactionConflict")])
def test_a_lost_race_is_a_conflict(codes: tuple[str, ...]) -> None:
    assert isinstance(_cancellation_error(cancelled(*codes)), ConditionFailed)


@pytest.mark.parametrize(
    "codes", [("ThrottlingError", "None"), ("ValidationError",), ("ConditionalCheckFailed", "ThrottlingError")]
)
def test_throttling_or_validation_is_not_a_conflict(codes: tuple[str, ...]) -> None:
    error = _cancellation_error(cancelled(*codes))
    assert not isinstance(error, ConditionFailed)
    assert isinstance(error, StoreError)
