"""The error model, version and event types through Python."""
import copy
import pickle

import pytest

import callcore
from callcore import capi


def test_version_matches_compile_time_constants():
    assert callcore.__version__ == capi.CC_VERSION_STRING
    assert callcore.VERSION_HEX == capi.CC_VERSION_HEX
    major, minor, patch = (int(x) for x in callcore.__version__.split("."))
    assert callcore.VERSION_HEX == (major << 24) | (minor << 16) | (patch << 8)


def test_every_status_maps_to_a_distinct_exception_class():
    seen = set()
    for status in range(-1, -capi.CC_STATUS_COUNT, -1):
        exc = callcore.from_status(status, "detail text")
        assert isinstance(exc, callcore.Error)
        assert exc.status == status
        assert exc.name == capi.cc_status_name(status)
        assert exc.detail == "detail text"
        assert "detail text" in str(exc)
        seen.add(type(exc))
    assert len(seen) == capi.CC_STATUS_COUNT - 1


def test_exception_classes_join_the_python_hierarchy():
    assert issubclass(callcore.InvalidArgument, ValueError)
    assert issubclass(callcore.NotFound, LookupError)
    assert issubclass(callcore.OutOfMemory, MemoryError)
    assert isinstance(callcore.from_status(-999, ""), callcore.Error)
    assert callcore.strerror(capi.CC_EEXIST) == "object already exists"


def test_errors_survive_pickle_and_copy():
    # multiprocessing and concurrent.futures send a worker's exception back pickled: the
    # default reduction called Error(message) and int("CC_EINVAL: ...") failed, so the
    # parent got an unpickling error instead of the library's exception.
    with pytest.raises(callcore.InvalidArgument) as caught:
        callcore.erlang_c(5, 10.0)
    err = caught.value
    for clone in (pickle.loads(pickle.dumps(err)), copy.copy(err), copy.deepcopy(err)):
        assert type(clone) is callcore.InvalidArgument
        assert (clone.status, clone.name, clone.detail) == (err.status, err.name, err.detail)
        assert str(clone) == str(err)
    plain = pickle.loads(pickle.dumps(callcore.from_status(-999, "odd")))
    assert type(plain) is callcore.Error and plain.status == -999 and plain.detail == "odd"


def test_enums_mirror_the_header():
    assert callcore.EventType.CONTACT_OFFERED == 3
    assert callcore.EventType.CONTACT_OFFERED.label == "contact.offered"
    assert callcore.EventType.CONTACT_ABANDONED.terminal
    assert not callcore.EventType.CONTACT_QUEUED.terminal
    assert len(callcore.EventType) == capi.CC_EVENT__COUNT
    assert [s.label for s in callcore.AgentState] == [
        "logged_out", "ready", "reserved", "busy", "wrapup", "not_ready"]
    assert callcore.Channel.EMAIL.label == "email"
    assert capi.cc_channel_from_name("chat") == callcore.Channel.CHAT


ENUMS = ("EventType", "Channel", "AgentState", "SurveyKind", "Strategy", "ContactState",
         "SelectPolicy", "AgentAfter", "MaxWaitAction", "JoinPolicy", "TransferKind",
         "DialResult", "SuperviseMode")


def test_enum_members_are_the_c_enum_values_not_struct_version_macros(engine_available):
    # CC_AGENT_CONFIG_VERSION (1) shares the prefix of CC_AGENT_READY (1): taken for a
    # member, it made READY an alias named CONFIG_VERSION.
    assert [m.name for m in callcore.AgentState] == [
        "LOGGED_OUT", "READY", "RESERVED", "BUSY", "WRAPUP", "NOT_READY"]
    assert callcore.AgentState(capi.CC_AGENT_READY).name == "READY"
    assert [(m.name, int(m)) for m in callcore.ContactState] == [
        ("WAITING", 0), ("OFFERED", 1), ("CONNECTED", 2), ("CALLBACK_WAIT", 3),
        ("DIALING", 4), ("ENDED", 5)]
    assert [m.name for m in callcore.TransferKind] == ["BLIND", "CONSULT"]
    with callcore.Engine() as eng:  # what docs/bindings.md prints: "READY 1"
        eng.add_queue("q")
        ann = eng.add_agent("ann", queues=["q"], now_ms=0)
        ann.login(now_ms=0)
        assert ann.state.name == "READY"
        assert eng.add_contact(1, "q", now_ms=1).status.state.name == "OFFERED"
    for name in ENUMS:
        cls = getattr(callcore, name)
        assert list(cls.__members__) == [m.name for m in cls], f"{name} has aliases"
        assert not any(n.endswith("VERSION") for n in cls.__members__), name


def test_event_objects_round_trip_through_dicts():
    ev = callcore.Event(type=callcore.EventType.CONTACT_ENDED, contact_id=7, queue="sales",
                        agent="ann", channel=1, duration_ms=90_000, reason="resolved")
    assert ev.channel is callcore.Channel.VOICE
    assert ev.name == "contact.ended" and ev.terminal
    again = callcore.Event.from_dict(ev.to_dict())
    assert again == ev
    assert again.target_queue is None and again.wait_ms == 0
    with pytest.raises(TypeError):
        callcore.Event(type=1, no_such_field=3)
