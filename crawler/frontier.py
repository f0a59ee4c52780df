"""Several crawl processes on one shared frontier: ``nianbao crawl --redis redis://HOST:PORT/DB``.

What scrapy-redis gives (its scheduler and duplicate filter, ``SharedScheduler`` below): one request queue in
Redis that every process pushes to and pops from, and one set of request fingerprints, so a URL handed to one
process is never handed to another. Our spider sends its listing and document requests with ``dont_filter``
(it de-duplicates them itself, per process), so ``SharedScheduler`` checks every request against the shared
fingerprints — except retries and redirect follow-ups, whose original was checked already.

What scrapy-redis does not give, and this module adds:

- **When a shared crawl is finished.** A process whose queue runs dry while another one is still parsing
  pages (which may add requests) must not stop. ``SharedFrontier`` (an extension) keeps a register of live
  processes in Redis (busy/idle and a heartbeat, Redis' own clock); a process stops only when the queue is
  empty and every live process is idle. A process silent for ``NIANBAO_WORKER_TTL`` seconds (killed) no
  longer counts.
- **A fresh frontier per crawl.** scrapy-redis either clears the queue and fingerprints when *a* process
  closes (which would make the others re-fetch everything) or keeps them forever (so the next day's crawl
  would find every URL "seen"). Here the *last* process to leave clears them, atomically with leaving, and a
  process that starts while no live process is registered (all earlier ones were killed) starts a fresh
  frontier too: requests a killed process had taken are re-derived by the next crawl, as after a SIGKILL with
  ``--jobdir``.
- **Reports found per source.** Each process writes its own run record (``runs/<run_id>.json``). The listing
  of a source may be read by one process and its reports fetched by others, so before judging whether a
  source is broken every process takes in the report URLs all of them saw (a Redis set, filled as each goes
  idle). Other counts in a record (requests, listing pages, new documents, failures) are that process's own.
- **Politeness per portal host across processes.** Scrapy's download slots (``CONCURRENT_REQUESTS_PER_DOMAIN``,
  ``DOWNLOAD_DELAY``, AutoThrottle) are per process: N processes would hit a host N times as often.
  ``SharedHostThrottle`` (a downloader middleware, on when ``DOWNLOAD_DELAY`` > 0) takes a per-host lease in
  Redis before each request, so requests to one host start at least ``DOWNLOAD_DELAY`` apart over all
  processes together. ``--no-polite`` (delay 0) turns it off.

Not shared (each process keeps its own, merged or harmlessly duplicated): robots.txt (each process fetches it
once per host), the listing cache, ``crawler-state/gone.json`` and ``checked.json`` (each process merges its own
changes into them under a file lock when it closes, ``crawler.state``), the fetch log (one file per process,
see ``archive.originals.store``).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

from crawler.settings import setting

logger = logging.getLogger(__name__)

_CRAWLER_ATTR = "_nianbao_frontier"

# Workers: hash field = process id, value = "<busy|idle> <redis time in s>". Stale entries are pruned.
_PRUNE = """
local now = tonumber(redis.call('TIME')[1])
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local t = tonumber(string.match(all[i + 1], ' (%d+)$') or '0')
  if t < now - tonumber(ARGV[1]) then redis.call('HDEL', KEYS[1], all[i]) end
end
"""
# KEYS: workers, queue, dupefilter, reports; ARGV: ttl, id
JOIN = _PRUNE + """
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[2], KEYS[3], KEYS[4]) end
redis.call('HSET', KEYS[1], ARGV[2], 'busy ' .. now)
return redis.call('HLEN', KEYS[1])
"""
# KEYS: workers; ARGV: ttl, id, state ('' keeps the state)
TOUCH = _PRUNE + """
local state = ARGV[3]
if state == '' then
  local old = redis.call('HGET', KEYS[1], ARGV[2])
  state = old and string.match(old, '^(%a+)') or 'busy'
end
redis.call('HSET', KEYS[1], ARGV[2], state .. ' ' .. now)
return 1
"""
# KEYS: workers, queue; ARGV: ttl, id. Marks this process idle; answers {queued requests, busy processes}.
IDLE = _PRUNE + """
redis.call('HSET', KEYS[1], ARGV[2], 'idle ' .. now)
local busy = 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if string.sub(all[i + 1], 1, 4) == 'busy' then busy = busy + 1 end
end
return {redis.call('ZCARD', KEYS[2]), busy}
"""
# KEYS: queue, workers; ARGV: id. Pops the best request and marks this process busy, in one step.
POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0)
if #r == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], ARGV[1], 'busy ' .. redis.call('TIME')[1])
return r[1]
"""
# KEYS: workers, queue, dupefilter, reports; ARGV: ttl, id. The last live process out clears the frontier.
LEAVE = _PRUNE + """
redis.call('HDEL', KEYS[1], ARGV[2])
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
  return 1
end
return 0
"""


def redis_settings(url: str, settings=None) -> dict:
    """The Scrapy settings that put a crawl on the shared frontier at `url` (``nianbao crawl --redis``);
    `settings`: the crawl's settings so far (prefix, components to add to)."""
    from crawler import settings as defaults

    prefix = setting(settings, "NIANBAO_REDIS_PREFIX") if settings is not None else defaults.NIANBAO_REDIS_PREFIX
    extensions = dict(settings.getdict("EXTENSIONS") if settings is not None else defaults.EXTENSIONS)
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES") if settings is not None
                       else defaults.DOWNLOADER_MIDDLEWARES)
    extensions["crawler.frontier.SharedFrontier"] = 400
    middlewares["crawler.frontier.SharedHostThrottle"] = 80  # after scope and known-document filters
    return {
        "EXTENSIONS": extensions,
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "NIANBAO_REDIS_URL": url,
        "NIANBAO_REDIS_PREFIX": prefix,
        "NIANBAO_FETCH_LOG_ID": "auto",
        "SCHEDULER": "crawler.frontier.SharedScheduler",
        "DUPEFILTER_CLASS": "crawler.frontier.SharedDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "SCHEDULER_PERSIST": True,  # a process that finishes leaves the frontier to the others (LEAVE clears)
        "REDIS_URL": url,
    }


class Frontier:
    """This process's handle on the shared frontier: Redis client, keys, scripts and its worker id."""

    def __init__(self, crawler):
        import redis

        from crawler.pipelines import process_id

        settings = crawler.settings
        self.url = setting(settings, "NIANBAO_REDIS_URL")
        if not self.url:
            raise NotConfigured
        if settings.get("SCHEDULER") != "crawler.frontier.SharedScheduler":
            raise ValueError("NIANBAO_REDIS_URL needs the shared scheduler: use `nianbao crawl --redis URL` "
                             "(or the settings of crawler.frontier.redis_settings)")
        prefix = setting(settings, "NIANBAO_REDIS_PREFIX")
        self.ttl = int(max(setting(settings, "NIANBAO_WORKER_TTL"), 5))
        self.redis = redis.Redis.from_url(self.url, socket_timeout=30, socket_connect_timeout=10)
        self.id = process_id()
        self.workers = f"{prefix}:workers"
        self.queue = settings.get("SCHEDULER_QUEUE_KEY") or f"{prefix}:requests"
        self.dupefilter = settings.get("SCHEDULER_DUPEFILTER_KEY") or f"{prefix}:dupefilter"
        self.reports = f"{prefix}:reports"
        self.prefix = prefix
        self._join = self.redis.register_script(JOIN)
        self._touch = self.redis.register_script(TOUCH)
        self._idle = self.redis.register_script(IDLE)
        self._pop = self.redis.register_script(POP)
        self._leave = self.redis.register_script(LEAVE)

    @classmethod
    def for_crawler(cls, crawler) -> Frontier:
        frontier = getattr(crawler, _CRAWLER_ATTR, None)
        if frontier is None:
            frontier = cls(crawler)
            setattr(crawler, _CRAWLER_ATTR, frontier)
        return frontier

    def join(self) -> int:
        """Register as busy (a fresh frontier when no live process is registered); how many processes live."""
        return int(self._join(keys=[self.workers, self.queue, self.dupefilter, self.reports], args=[self.ttl, self.id]))

    def touch(self) -> None:
        self._touch(keys=[self.workers], args=[self.ttl, self.id, ""])

    def idle(self) -> tuple[int, int]:
        queued, busy = self._idle(keys=[self.workers, self.queue], args=[self.ttl, self.id])
        return int(queued), int(busy)

    def pop(self) -> bytes | None:
        return self._pop(keys=[self.queue, self.workers], args=[self.id]) or None

    def pending(self) -> int:
        return int(self.redis.zcard(self.queue))

    def leave(self) -> bool:
        return bool(self._leave(keys=[self.workers, self.queue, self.dupefilter, self.reports],
                                args=[self.ttl, self.id]))


try:
    from scrapy_redis.dupefilter import RFPDupeFilter as _RedisDupeFilter
    from scrapy_redis.scheduler import Scheduler as _RedisScheduler
except ImportError:  # pragma: no cover - scrapy-redis is a dependency; only --redis needs it
    _RedisScheduler = _RedisDupeFilter = object


class SharedDupeFilter(_RedisDupeFilter):
    """scrapy-redis' fingerprints (method, canonical URL, body) plus the request's kind: the spider may ask for
    one URL as a listing and then as the report it turned out to be (Hanweb's xxgkAnnualReport.jsp)."""

    def request_fingerprint(self, request):
        import hashlib
        import json

        base = super().request_fingerprint(request)
        kind = request.meta.get("kind") or ""
        return hashlib.sha1(json.dumps([base, kind]).encode()).hexdigest() if kind else base


class SharedScheduler(_RedisScheduler):
    """scrapy-redis' scheduler, de-duplicating our ``dont_filter`` requests across processes too."""

    @classmethod
    def from_crawler(cls, crawler):
        instance = super().from_crawler(crawler)
        instance.frontier = Frontier.for_crawler(crawler)
        instance.frontier.join()
        return instance

    def enqueue_request(self, request):
        follow_up = request.meta.get("retry_times") or request.meta.get("redirect_times")
        if not follow_up and self.df.request_seen(request):
            self.df.log(request, self.spider)
            if self.stats:
                self.stats.inc_value("nianbao/frontier_duplicates")
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self):
        data = self.frontier.pop()
        if data is None:
            return None
        request = self.queue._decode_request(data)
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def close(self, reason):
        """Nothing is cleared here: the last process to leave clears the frontier (`SharedFrontier`)."""
        return None


class SharedFrontier:
    """Extension: heartbeat, "is the shared crawl finished?", reports found by every process, leaving."""

    def __init__(self, crawler):
        if not setting(crawler.settings, "NIANBAO_REDIS_URL"):
            raise NotConfigured
        self.crawler = crawler
        self.frontier = Frontier.for_crawler(crawler)
        self.pushed: dict[str, set[str]] = {}
        self.heartbeat = None
        self.waiting = False  # idle here while other processes work

    @classmethod
    def from_crawler(cls, crawler) -> SharedFrontier:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        from twisted.internet import task

        live = self.frontier.join()
        spider.logger.info("shared frontier %s (%s): %d live crawl process(es), this one %s",
                           self.frontier.url, self.frontier.prefix, live, self.frontier.id)
        self.heartbeat = task.LoopingCall(self._beat)
        self.heartbeat.start(1.0, now=False)
        self.beats = 0

    def _beat(self):
        """Every second: wake the engine while waiting idle (Scrapy itself looks again only every 5 s), so work
        others push is taken up at once; every ttl/4 seconds: tell Redis this process lives."""
        self.beats += 1
        if self.waiting:
            slot = getattr(self.crawler.engine, "_slot", None)  # Scrapy's engine loop; absent: 5 s polls
            nextcall = getattr(slot, "nextcall", None)
            if nextcall is not None:
                nextcall.schedule()
        if self.beats % max(int(self.frontier.ttl / 4), 1) == 0:
            try:
                self.frontier.touch()
            except Exception as exc:  # noqa: BLE001 - a missed heartbeat is retried on the next beat
                logger.warning("shared frontier heartbeat failed: %s", exc)

    def _push_reports(self, spider) -> None:
        from crawler.run_record import RunTally

        tally = RunTally.for_crawler(self.crawler)
        members = []
        for sid, t in tally.sources.items():
            new = t.reports - self.pushed.setdefault(sid, set())
            members += [f"{sid}\t{url}" for url in sorted(new)]
            self.pushed[sid] |= new
        if members:
            self.frontier.redis.sadd(self.frontier.reports, *members)

    def _take_reports(self) -> None:
        from crawler.run_record import RunTally

        tally = RunTally.for_crawler(self.crawler)
        for member in self.frontier.redis.smembers(self.frontier.reports):
            sid, _, url = member.decode("utf-8").partition("\t")
            tally.source(sid).reports.add(url)

    def spider_idle(self, spider):
        self._push_reports(spider)
        queued, busy = self.frontier.idle()
        if queued or busy:
            self.waiting = True
            raise DontCloseSpider
        self.waiting = False
        # Finished: every live process is idle and nothing is queued, so every tally is final and pushed.
        self._take_reports()
        self.crawler.stats.set_value("nianbao/frontier_finished", True)

    def spider_closed(self, spider, reason):
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        try:
            last = self.frontier.leave()
        except Exception as exc:  # noqa: BLE001 - the TTL retires this process anyway
            logger.warning("could not leave the shared frontier: %s", exc)
            return
        if last:
            spider.logger.info("last process of the shared crawl: frontier cleared for the next crawl")


class SharedHostThrottle:
    """Downloader middleware: requests to one host start at least ``DOWNLOAD_DELAY`` apart over every process
    of the shared crawl (a per-host lease in Redis, ``SET NX PX``)."""

    def __init__(self, crawler):
        if not setting(crawler.settings, "NIANBAO_REDIS_URL"):
            raise NotConfigured
        self.delay = crawler.settings.getfloat("DOWNLOAD_DELAY")
        if self.delay <= 0:
            raise NotConfigured
        self.frontier = Frontier.for_crawler(crawler)
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler) -> SharedHostThrottle:
        return cls(crawler)

    async def process_request(self, request, spider=None):
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        key = f"{self.frontier.prefix}:host:{urlsplit(request.url).netloc.lower()}"
        ms = max(int(self.delay * 1000), 1)
        waited = False
        while not self.frontier.redis.set(key, self.frontier.id, nx=True, px=ms):
            waited = True
            left = self.frontier.redis.pttl(key)
            await deferLater(reactor, max(left, 5) / 1000 if left and left > 0 else 0.005)
        if waited and self.stats:
            self.stats.inc_value("nianbao/host_lease_waits")
        return None
