"""The event contract of libcallcore as Python types.

Every state change of an engine is an :class:`Event`; the KPI aggregator and
event sinks consume them. Enums mirror ``callcore/event.h`` (values are stable
and stored in journals)::

    def on_event(ev):
        if ev.type is EventType.CONTACT_CONNECTED:
            print(ev.contact_id, "answered by", ev.agent, "after", ev.wait_ms, "ms")
"""

import enum

from . import capi

__all__ = ["EventType", "Channel", "AgentState", "SurveyKind", "Event", "EVENT_F_CONSULT",
           "EVENT_F_IMPORTED"]


def _is_member(attr, prefix, skip):
    """Whether the capi constant ``attr`` is a value of the enum named by ``prefix``.
    SWIG turns enum values and #define constants alike into module ints, and the
    version macro of every versioned struct shares its prefix (CC_AGENT_CONFIG_VERSION
    beside CC_AGENT_READY): those, the __COUNT sentinels and ``skip`` are not values."""
    return (attr.startswith(prefix) and not attr.endswith(("__COUNT", "_VERSION"))
            and attr not in skip)


def _enum_from_capi(name, prefix, doc=None, skip=()):
    """An IntEnum of the capi constants named ``prefix``+MEMBER. Two names with one
    value would make the second an alias that hides the real member, so they are
    refused (enum.unique) instead of read wrong."""
    members = sorted(((attr[len(prefix):], getattr(capi, attr)) for attr in dir(capi)
                      if _is_member(attr, prefix, skip)), key=lambda kv: kv[1])
    cls = enum.unique(enum.IntEnum(name, members))
    if doc is not None:
        cls.__doc__ = doc
    return cls


EventType = _enum_from_capi("EventType", "CC_EVENT_", skip=("CC_EVENT_F_CONSULT",
                                                             "CC_EVENT_F_IMPORTED"))
EventType.__doc__ = "Event types (cc_event_type); ``.label`` is the dotted name."
EventType.label = property(lambda self: capi.cc_event_type_name(int(self)))
EventType.terminal = property(lambda self: bool(capi.cc_event_is_terminal(int(self))))

Channel = _enum_from_capi("Channel", "CC_CHANNEL_")
Channel.__doc__ = "Media channels (cc_channel); ``.label`` is the text name ('voice')."
Channel.label = property(lambda self: capi.cc_channel_name(int(self)))

AgentState = _enum_from_capi("AgentState", "CC_AGENT_")
AgentState.__doc__ = "Agent states (cc_agent_state); ``.label`` is the text name ('ready')."
AgentState.label = property(lambda self: capi.cc_agent_state_name(int(self)))

SurveyKind = _enum_from_capi("SurveyKind", "CC_SURVEY_")
SurveyKind.__doc__ = "Survey kinds of SURVEY events: CSAT 1..5, NPS 0..10, CES 1..7."

EVENT_F_CONSULT = capi.CC_EVENT_F_CONSULT
EVENT_F_IMPORTED = capi.CC_EVENT_F_IMPORTED

_FIELDS = ("type", "flags", "time_ms", "seq", "contact_id", "customer_id", "queue", "agent",
           "target_queue", "target_agent", "reason", "channel", "priority", "agent_state",
           "prev_agent_state", "survey", "virtual_start_ms", "wait_ms", "duration_ms",
           "hold_ms", "value")


def _as_enum(cls, value):
    try:
        return cls(value)
    except ValueError:
        return value


class Event:
    """One event (a copy of the C ``cc_event``: safe to keep).

    Attributes are the fields of ``cc_event``: ``type`` (:class:`EventType`),
    ``time_ms``, ``seq``, ``contact_id``, ``customer_id``, ``queue``, ``agent``,
    ``target_queue``, ``target_agent``, ``reason`` (str or None), ``channel``
    (:class:`Channel`), ``priority``, ``agent_state`` / ``prev_agent_state``
    (:class:`AgentState`), ``survey``, ``virtual_start_ms``, ``wait_ms``,
    ``duration_ms``, ``hold_ms``, ``value``, ``flags``. Fields that do not
    apply to the type are 0 / None (see the table in callcore/event.h).
    """

    __slots__ = _FIELDS

    def __init__(self, type=0, **fields):  # noqa: A002 - the C field name
        unknown = set(fields) - set(_FIELDS)
        if unknown:
            raise TypeError(f"unknown event fields: {sorted(unknown)}")
        self.type = _as_enum(EventType, type)
        for name in _FIELDS[1:]:
            setattr(self, name, fields.get(name, None if name in _STR_FIELDS else 0))
        self.channel = _as_enum(Channel, self.channel)
        self.agent_state = _as_enum(AgentState, self.agent_state)
        self.prev_agent_state = _as_enum(AgentState, self.prev_agent_state)
        self.survey = _as_enum(SurveyKind, self.survey)

    @classmethod
    def from_dict(cls, d):
        """Builds an Event from the dict the C layer delivers (every key
        present). The hot path of every Python event sink: direct stores and
        cached enum members, no validation beyond what C guarantees."""
        ev = cls.__new__(cls)
        t = d["type"]
        ev.type = _EVENT_TYPES.get(t, t)
        ev.flags = d["flags"]
        ev.time_ms = d["time_ms"]
        ev.seq = d["seq"]
        ev.contact_id = d["contact_id"]
        ev.customer_id = d["customer_id"]
        ev.queue = d["queue"]
        ev.agent = d["agent"]
        ev.target_queue = d["target_queue"]
        ev.target_agent = d["target_agent"]
        ev.reason = d["reason"]
        c = d["channel"]
        ev.channel = _CHANNELS.get(c, c)
        ev.priority = d["priority"]
        a = d["agent_state"]
        ev.agent_state = _AGENT_STATES.get(a, a)
        a = d["prev_agent_state"]
        ev.prev_agent_state = _AGENT_STATES.get(a, a)
        k = d["survey"]
        ev.survey = _SURVEYS.get(k, k)
        ev.virtual_start_ms = d["virtual_start_ms"]
        ev.wait_ms = d["wait_ms"]
        ev.duration_ms = d["duration_ms"]
        ev.hold_ms = d["hold_ms"]
        ev.value = d["value"]
        return ev

    def to_dict(self):
        """Returns the fields as a dict of plain ints/str (what C accepts)."""
        out = {}
        for name in _FIELDS:
            v = getattr(self, name)
            out[name] = int(v) if isinstance(v, enum.IntEnum) else v
        return out

    @property
    def name(self):
        """The stable dotted name of the type ("contact.offered")."""
        return capi.cc_event_type_name(int(self.type))

    @property
    def terminal(self):
        """True if this event ends its contact."""
        return bool(capi.cc_event_is_terminal(int(self.type)))

    def __eq__(self, other):
        return isinstance(other, Event) and self.to_dict() == other.to_dict()

    __hash__ = None

    def __repr__(self):
        parts = [f"{n}={getattr(self, n)!r}" for n in _FIELDS[1:]
                 if getattr(self, n) not in (0, None, 0.0)]
        return f"Event({self.name}, {', '.join(parts)})"


_STR_FIELDS = {"queue", "agent", "target_queue", "target_agent", "reason"}
# Value -> member caches for Event.from_dict.
_EVENT_TYPES = {int(m): m for m in EventType}
_CHANNELS = {int(m): m for m in Channel}
_AGENT_STATES = {int(m): m for m in AgentState}
_SURVEYS = {int(m): m for m in SurveyKind}
