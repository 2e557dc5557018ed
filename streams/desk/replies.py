"""Canned replies: a small library of answers per category, suggested on each item, editable by supervisors.

Kept in the Redis hash ``{p}:replies`` (reply id → JSON ``{"title", "text", "categories"}``), seeded once with
:data:`DEFAULT_REPLIES` (the marker ``{p}:replies:seeded`` keeps a supervisor's deletions deleted). The text may
contain ``{igpn_url}``, replaced when shown by ``VIGIE_IGPN_REPORT_URL``. Each API process keeps a copy for a few
seconds: an edit shows at once on the replica that made it, within ``cache_seconds`` on the others.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import redis.asyncio as aioredis

from classifiers.taxonomy import CATEGORIES

REPLY_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


@dataclass(frozen=True, slots=True)
class Reply:
    id: str
    title: str
    text: str
    categories: tuple[str, ...]

    def to_json(self, igpn_url: str) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "text": self.text.replace("{igpn_url}", igpn_url),
                "categories": list(self.categories)}


DEFAULT_REPLIES: tuple[Reply, ...] = (
    Reply("danger_17_112", "En danger : appelez le 17 / 112",
          "Si vous êtes en danger immédiat, appelez le 17 (ou le 112 depuis un portable). Si vous ne pouvez pas "
          "parler, envoyez un SMS au 114. Restez à l'abri, silencieux, et suivez les consignes des forces de l'ordre.",
          ("danger",)),
    Reply("witness_197", "Témoignage : 197 ou 17",
          "Merci pour votre signalement. Pour transmettre une information aux enquêteurs, appelez le 197 (appel à "
          "témoins) ou le 17 en cas d'urgence. Ne vous approchez pas et ne diffusez pas de photos.",
          ("witness_tip",)),
    Reply("missing_person", "Personne injoignable",
          "Nous comprenons votre inquiétude. Pour signaler un proche que vous ne parvenez pas à joindre, appelez le "
          "17 ou le numéro d'information du public communiqué par les autorités.",
          ("missing_person",)),
    Reply("transport", "Transports et zones à éviter",
          "Évitez le secteur concerné et suivez les consignes des autorités. Pour l'état du trafic, consultez les "
          "comptes officiels des transports (RATP, SNCF) ; nous publions les informations confirmées sur ce compte.",
          ("safety_question",)),
    Reply("rumor_unconfirmed", "Information non confirmée",
          "Cette information n'est pas confirmée. Merci de ne pas relayer de messages non vérifiés : suivez les "
          "comptes officiels pour les informations confirmées.",
          ("rumor",)),
    Reply("igpn", "Plainte : plateforme de signalement IGPN",
          "Nous prenons votre message au sérieux. Pour signaler le comportement d'un policier, utilisez la "
          "plateforme de signalement de l'IGPN : {igpn_url}",
          ("complaint_police",)),
    Reply("procedure", "Démarches en ligne",
          "Pour cette démarche, rendez-vous sur le site officiel de pré-plainte en ligne ou dans le commissariat le "
          "plus proche. En cas d'urgence, appelez le 17.",
          ("procedure_question",)),
    Reply("thanks", "Remerciements",
          "Merci pour votre message de soutien, nous le transmettons aux équipes mobilisées.",
          ("thanks_support", "offer_help")),
)


def validate(reply_id: str, title: str, text: str, categories: Sequence[str]) -> Reply:
    if not REPLY_ID.fullmatch(reply_id):
        raise ValueError(f"invalid reply id {reply_id!r}: 1-40 lowercase letters, digits, '_' or '-'")
    unknown = sorted(set(categories) - set(CATEGORIES))
    if unknown:
        raise ValueError(f"unknown categories {unknown}; categories are {', '.join(CATEGORIES)}")
    return Reply(reply_id, title.strip(), text.strip(), tuple(dict.fromkeys(categories)))


class ReplyStore:
    def __init__(self, client: aioredis.Redis, key_prefix: str, igpn_url: str, *, cache_seconds: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.redis, self.igpn_url = client, igpn_url
        self.key = "{" + key_prefix + "}:replies"
        self.cache_seconds, self.clock = cache_seconds, clock
        self._cache: Mapping[str, Reply] | None = None
        self._cached_at = 0.0

    async def seed(self) -> bool:
        """Write the default library the first time a deployment starts; True if it did."""
        if not await self.redis.set(self.key + ":seeded", "1", nx=True):
            return False
        await self.redis.hset(self.key, mapping={r.id: _dumps(r) for r in DEFAULT_REPLIES})
        self._cache = None
        return True

    async def all(self) -> Mapping[str, Reply]:
        if self._cache is None or self.clock() - self._cached_at > self.cache_seconds:
            raw = await self.redis.hgetall(self.key)
            replies = {}
            for k, v in raw.items():
                d = orjson.loads(v)
                rid = k.decode() if isinstance(k, bytes) else k
                replies[rid] = Reply(rid, d["title"], d["text"], tuple(d["categories"]))
            self._cache, self._cached_at = dict(sorted(replies.items())), self.clock()
        return self._cache

    async def get(self, reply_id: str) -> Reply | None:
        return (await self.all()).get(reply_id)

    async def suggest(self, category: str | None) -> list[dict[str, Any]]:
        return [r.to_json(self.igpn_url) for r in (await self.all()).values() if category in r.categories]

    async def put(self, reply: Reply) -> None:
        await self.redis.hset(self.key, reply.id, _dumps(reply))
        self._cache = None

    async def delete(self, reply_id: str) -> bool:
        self._cache = None
        return bool(await self.redis.hdel(self.key, reply_id))


def _dumps(reply: Reply) -> bytes:
    return orjson.dumps({"title": reply.title, "text": reply.text, "categories": list(reply.categories)})
