/*
 * lib/base/event.c - names of event types, channels and agent states.
 * Lives in base because engine, KPI importers and bindings all need them.
 */
#include "callcore/event.h"

#include <string.h>

const char *cc_event_type_name(int type)
{
    switch (type) {
#define CC__EVENT_NAME(name, value, text)                                      \
    case value:                                                                \
        return text;
        CC_EVENT_TYPE_LIST(CC__EVENT_NAME)
#undef CC__EVENT_NAME
    default:
        return "unknown";
    }
}

const char *cc_channel_name(int channel)
{
    switch (channel) {
#define CC__CHANNEL_NAME(name, value, text)                                    \
    case value:                                                                \
        return text;
        CC_CHANNEL_LIST(CC__CHANNEL_NAME)
#undef CC__CHANNEL_NAME
    default:
        return "unknown";
    }
}

cc_channel cc_channel_from_name(const char *name)
{
    if (!name) return CC_CHANNEL_NONE;
#define CC__CHANNEL_PARSE(cname, value, text)                                  \
    if (strcmp(name, text) == 0) return cname;
    CC_CHANNEL_LIST(CC__CHANNEL_PARSE)
#undef CC__CHANNEL_PARSE
    return CC_CHANNEL_NONE;
}

const char *cc_agent_state_name(int state)
{
    switch (state) {
#define CC__STATE_NAME(name, value, text)                                      \
    case value:                                                                \
        return text;
        CC_AGENT_STATE_LIST(CC__STATE_NAME)
#undef CC__STATE_NAME
    default:
        return "unknown";
    }
}

int cc_event_is_terminal(int type)
{
    return type == CC_EVENT_CONTACT_ENDED || type == CC_EVENT_CONTACT_ABANDONED ||
           type == CC_EVENT_CONTACT_BLOCKED || type == CC_EVENT_CONTACT_LEFT;
}
