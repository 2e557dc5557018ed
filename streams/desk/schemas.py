"""The desk API's request bodies (validated, unknown fields refused) and the documented answers."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

Lease = Annotated[str, Field(pattern=r"^[0-9a-f]{16}$", description="The lease id returned by claim")]
DeskName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$", description="A desk, e.g. emergencies")]
ReplyId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$", description="A canned reply id")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClaimRequest(_Body):
    desk: DeskName | None = Field(None, description="Only this desk (default: every desk)")
    lease_seconds: int | None = Field(None, ge=1, description="Lease length (default VIGIE_LEASE_SECONDS, at "
                                                              "most VIGIE_MAX_LEASE_SECONDS)")


class LeaseRequest(_Body):
    lease: Lease


class ExtendRequest(LeaseRequest):
    lease_seconds: int | None = Field(None, ge=1, description="New lease length from now")


class ResolveRequest(LeaseRequest):
    reply: str | None = Field(None, min_length=1, max_length=2000, description="The reply text sent")
    reply_id: ReplyId | None = Field(None, description="The canned reply sent")
    no_reply: bool = Field(False, description="Resolved without answering (spam, trolls)")

    @model_validator(mode="after")
    def _one_answer(self) -> ResolveRequest:
        given = [self.reply is not None and bool(self.reply.strip()), self.reply_id is not None, self.no_reply]
        if sum(given) != 1:
            raise ValueError("give exactly one of: reply (text), reply_id (a canned reply), no_reply: true")
        return self


class EscalateRequest(_Body):
    lease: Lease | None = Field(None, description="Your lease (required unless you are a supervisor)")
    desk: DeskName | None = None
    priority: int | None = Field(None, ge=0, le=3, description="A higher priority (smaller number)")
    reason: str = Field("", max_length=280)

    @model_validator(mode="after")
    def _something(self) -> EscalateRequest:
        if self.desk is None and self.priority is None:
            raise ValueError("give a desk, a priority, or both")
        return self


class ReplyBody(_Body):
    title: str = Field(min_length=1, max_length=80)
    text: str = Field(min_length=1, max_length=1000, description="May contain {igpn_url}")
    categories: list[str] = Field(min_length=1, max_length=12)


class ErrorOut(BaseModel):
    error: str = Field(description="Machine-readable code, e.g. stale_lease, cap_reached, unauthorized")
    message: str


class ClaimOut(BaseModel):
    item: dict[str, Any] | None = Field(description="The item under your lease (its `lease` id), or null")
    replies: list[dict[str, Any]] = Field(description="Canned replies suggested for its category")
