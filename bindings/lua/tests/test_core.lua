-- The error model, version and event names through the Lua module.
local tap = require("tap")
local cc = require("callcore")

tap.test("version matches the compile-time constants", function()
  tap.eq(cc.cc_version(), cc.CC_VERSION_STRING, "cc_version")
  tap.eq(cc.cc_version_hex(), cc.CC_VERSION_HEX, "cc_version_hex")
end)

tap.test("status names and texts", function()
  tap.eq(cc.CC_OK, 0, "CC_OK")
  tap.eq(cc.cc_status_name(cc.CC_EINVAL), "CC_EINVAL")
  tap.eq(cc.cc_strerror(cc.CC_ENOTFOUND), "no such object")
  tap.eq(cc.cc_strerror(12345), "unknown error")
end)

tap.test("event, channel and agent state names", function()
  tap.eq(cc.cc_event_type_name(cc.CC_EVENT_CONTACT_OFFERED), "contact.offered")
  tap.eq(cc.cc_channel_name(cc.CC_CHANNEL_CHAT), "chat")
  tap.eq(cc.cc_channel_from_name("email"), cc.CC_CHANNEL_EMAIL)
  tap.eq(cc.cc_channel_from_name("pigeon"), cc.CC_CHANNEL_NONE)
  tap.eq(cc.cc_agent_state_name(cc.CC_AGENT_WRAPUP), "wrapup")
  tap.eq(cc.cc_event_is_terminal(cc.CC_EVENT_CONTACT_ABANDONED), 1)
  tap.eq(cc.cc_event_is_terminal(cc.CC_EVENT_CONTACT_QUEUED), 0)
end)

tap.run()
