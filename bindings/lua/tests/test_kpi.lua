-- The KPI engine and importers through the Lua module.
local tap = require("tap")
local cc = require("callcore")

local QUEUE_LOG = table.concat({
  "1000|1.1|sales|NONE|ENTERQUEUE||5551234|1",
  "1008|1.1|sales|Agent/ann|CONNECT|8|1.1.1|2",
  "1130|1.1|sales|Agent/ann|COMPLETECALLER|8|122|1",
  "1010|2.1|sales|NONE|ENTERQUEUE||5559876|1",
  "1050|2.1|sales|NONE|ABANDON|1|1|40",
  "garbage",
  "" }, "\n")

tap.test("queue_log bytes into an aggregator, in C", function()
  local kpi = cc.cc_kpi_new({ sl_threshold_ms = 20000 })
  local imp = cc.cc_import_new({ format = "queue_log" })
  cc.cc_import_begin_file(imp, "inline.log", kpi)
  cc.cc_import_feed(imp, QUEUE_LOG, kpi)
  cc.cc_import_end_file(imp, kpi)
  cc.cc_import_finish(imp, kpi)
  local t = cc.cc_sw_kpi_totals(kpi)
  tap.eq(t.offered, 2, "offered")
  tap.eq(t.answered, 1, "answered")
  local st = cc.cc_sw_import_stats(imp)
  tap.eq(st.lines_rejected, 1, "rejected lines")
  tap.ok(st.first_error:match("^inline.log:6:"), st.first_error)
  tap.ok(cc.cc_sw_kpi_json(kpi, imp, 0):find('"import"', 1, true), "JSON has the import section")
  tap.ok(cc.cc_sw_kpi_csv(kpi, cc.CC_KPI_TABLE_QUEUES):match("^queue,"), "CSV header")
  cc.cc_import_free(imp)
  cc.cc_kpi_free(kpi)
end)

tap.test("events into a Lua function, and events added by hand", function()
  local imp = cc.cc_import_new({ format = "queue_log" })
  local kpi = cc.cc_kpi_new(nil)
  local n = 0
  cc.cc_import_begin_file(imp, "x", function(ev)
    n = n + 1
    cc.cc_kpi_add(kpi, ev)
  end)
  cc.cc_import_feed(imp, QUEUE_LOG, function(ev)
    n = n + 1
    cc.cc_kpi_add(kpi, ev)
  end)
  cc.cc_import_end_file(imp, nil)
  tap.ok(n > 0, "events delivered")
  tap.eq(cc.cc_sw_kpi_totals(kpi).abandoned, 1, "abandoned")
  tap.raises("^CC_EINVAL: ", cc.cc_kpi_add, kpi, { type = 999 })
  -- a survey score is a number: "abc" was read as a silent 0
  tap.raises("'value' must be a number", cc.cc_kpi_add, kpi,
             { type = cc.CC_EVENT_SURVEY, time_ms = 1, value = "abc" })
  cc.cc_import_free(imp)
  cc.cc_kpi_free(kpi)
end)

tap.test("each finished contact's experience line reaches a Lua function", function()
  local lines = {}
  local kpi = cc.cc_kpi_new({ cx_grace_ms = -1, on_contact = function(c) lines[#lines + 1] = c end })
  local imp = cc.cc_import_new({ format = "queue_log" })
  cc.cc_import_begin_file(imp, "x", kpi)
  cc.cc_import_feed(imp, QUEUE_LOG, kpi)
  cc.cc_import_end_file(imp, kpi)
  cc.cc_kpi_flush(kpi)
  tap.eq(#lines, 2, "two contacts finished")
  local abandoned = lines[1].outcome == cc.CC_EVENT_CONTACT_ABANDONED and lines[1] or lines[2]
  tap.eq(abandoned.outcome, cc.CC_EVENT_CONTACT_ABANDONED, "one abandoned")
  tap.ok(abandoned.cx_end < 0, "an abandon hurts")
  cc.cc_import_free(imp)
  cc.cc_kpi_free(kpi)
end)

tap.test("an aggregator or importer freed from its own callbacks raises CC_EBUSY", function()
  local kpi
  kpi = cc.cc_kpi_new({ cx_grace_ms = -1, on_contact = function() cc.cc_kpi_free(kpi) end })
  local imp = cc.cc_import_new({ format = "queue_log" })
  cc.cc_import_begin_file(imp, "x", kpi)
  tap.raises("^CC_EBUSY: cc_kpi_free", cc.cc_import_feed, imp, QUEUE_LOG, kpi) -- the kpi as sink
  cc.cc_import_end_file(imp, kpi)
  tap.eq(cc.cc_sw_kpi_totals(kpi).offered, 2, "the aggregator lives on")
  cc.cc_kpi_free(kpi)
  tap.raises("^CC_ECLOSED: cc_import_feed: the cc_kpi was freed", cc.cc_import_feed, imp, "", kpi)
  cc.cc_import_begin_file(imp, "y", nil)
  tap.raises("^CC_EBUSY: cc_import_free", cc.cc_import_feed, imp, QUEUE_LOG,
    function() cc.cc_import_free(imp) end)
  tap.ok(cc.cc_sw_import_stats(imp).lines_read > 0, "the importer lives on")
  cc.cc_import_free(imp)
  tap.raises("^CC_EINVAL: cc_sw_import_stats: importer is NULL", cc.cc_sw_import_stats, nil)
end)

tap.test("bad options", function()
  tap.raises("unknown service%-level variant 'V9'", cc.cc_kpi_new, { sl_variant = "V9" })
  tap.raises("^CC_EINVAL", cc.cc_import_new, { format = "syslog" })
end)

tap.run()
