-- Workforce maths through the Lua module: Erlang B/C/A, staffing, plans.
local tap = require("tap")
local cc = require("callcore")

tap.test("Erlang C published example (100 calls / 30 min, AHT 180 s, 14 agents)", function()
  local a = 100 * 180 / 1800
  tap.near(cc.cc_erlang_c(14, a), 0.1741319336, 1e-9, "P(wait)")
  tap.near(cc.cc_erlang_c_service_level(14, a, 20 / 180), 0.88835, 1e-5, "SL")
  tap.near(cc.cc_erlang_c_asa(14, a) * 180, 7.8359370118, 1e-9, "ASA")
end)

tap.test("invalid input raises CC_EINVAL with the detail", function()
  tap.raises("^CC_EINVAL: cc_erlang_c: agents %(5%) must exceed", cc.cc_erlang_c, 5, 10.0)
  tap.raises("^CC_EINVAL", cc.cc_staffing_agents_for_sl, 10.0, 180, 1.5, 20)
  tap.ok(cc.cc_erlang_c(14, 10.0) > 0, "a later valid call")
end)

tap.test("an integer argument is an integer its C type holds, not a truncated double", function()
  -- SWIG's default read it through a double: 2.5 agents became 2, and 2^32 + 2 became
  -- whatever the undefined conversion gave.
  tap.raises("cc_erlang_c: argument 1 must be an integer in %-2147483648%.%.2147483647, got 2%.5",
    cc.cc_erlang_c, 2.5, 1.0)
  tap.raises("argument 1 must be an integer", cc.cc_erlang_c, 4294967298, 1.0)
  tap.near(cc.cc_erlang_c(2.0, 1.0), cc.cc_erlang_c(2, 1.0), 0, "an integral float is taken")
end)

tap.test("Erlang B and its inverse", function()
  local b = cc.cc_erlang_b(30, 20.0)
  tap.near(cc.cc_erlang_b_traffic(30, b), 20.0, 1e-12, "inverse")
end)

tap.test("Erlang A metrics table", function()
  local m = cc.cc_erlang_a_eval(14, 10.0, 2.0, 20 / 180)
  tap.ok(m.p_abandon > 0 and m.p_abandon < m.p_wait, "p_abandon < p_wait")
  tap.near(m.mean_wait_all, m.p_abandon * 2.0, 1e-12, "mean wait = P(ab) * patience")
end)

tap.test("staffing one interval and a plan from a table", function()
  local r = cc.cc_staffing_solve({ target_sl = 0.8, target_s = 20 }, 100, 1800, 180)
  tap.eq(r.agents, 14, "agents")
  local plan = cc.cc_sw_staffing_plan({ goal = "service_level", target_sl = 0.8 },
    { 10, 50, 100, 200, 0 }, nil, 180, 1800)
  local want = { 3, 8, 14, 24, 0 }
  for i = 1, #want do tap.eq(plan.agents[i], want[i], "agents[" .. i .. "]") end
  tap.eq(#plan.service_level, 5, "one service level per interval")
end)

tap.test("bad plans and options are refused", function()
  tap.raises("^CC_EINVAL: aht_s has 1 entries but calls has 2", cc.cc_sw_staffing_plan, {}, { 1, 2 }, { 3 }, 0, 1800)
  tap.raises("unknown key 'target_sls'", cc.cc_staffing_solve, { target_sls = 0.8 }, 100, 1800, 180)
  tap.raises("item 2 is not a number", cc.cc_sw_staffing_plan, {}, { 1, "x" }, nil, 180, 1800)
  tap.raises("^CC_EINVAL: interval 1", cc.cc_sw_staffing_plan, {}, { 100, -5 }, nil, 180, 1800)
end)

tap.test("forecasting: fit, predict, accuracy", function()
  local y = {}
  for d = 0, 13 do
    for i = 1, 24 do y[#y + 1] = 20 + 10 * math.sin(i / 24 * math.pi) end
  end
  local f = cc.cc_forecaster_new({ method = "seasonal_naive_daily", period = 24 })
  cc.cc_forecaster_fit(f, y)
  local p = cc.cc_sw_forecaster_predict(f, 24)
  tap.eq(#p.mean, 24, "horizon")
  tap.near(p.mean[5], y[#y - 24 + 5], 1e-12, "yesterday's value")
  local acc = cc.cc_sw_forecast_accuracy({ 10, 20 }, { 11, 18 })
  tap.near(acc.wape, 3 / 30, 1e-12, "WAPE")
  tap.raises("^CC_EINVAL: forecast has 1 entries but actual has 2", cc.cc_sw_forecast_accuracy, { 1, 2 }, { 1 })
  tap.raises("unknown forecast method", cc.cc_forecaster_new, { method = "tea_leaves", period = 24 })
  cc.cc_forecaster_free(f)
end)

tap.test("a horizon too large raises CC_ERANGE with its own detail", function()
  local y = {}
  for i = 1, 24 * 3 do y[i] = 10 + i % 24 end
  local f = cc.cc_forecaster_new({ method = "seasonal_naive_daily", period = 24 })
  cc.cc_forecaster_fit(f, y)
  tap.raises("^CC_EINVAL: cc_erlang_c", cc.cc_erlang_c, 5, 10.0) -- a detail left behind
  tap.raises("^CC_ERANGE: predict: horizon 6148914691236517888 is too large",
    cc.cc_sw_forecaster_predict, f, 6148914691236517888)
  tap.raises("^CC_ENOMEM: predict: out of memory for a horizon of 576460752303423488",
    cc.cc_sw_forecaster_predict, f, 576460752303423488)
  tap.eq(#cc.cc_sw_forecaster_predict(f, 3).mean, 3, "still usable")
  cc.cc_forecaster_free(f)
end)

tap.test("shift scheduling", function()
  local s = cc.cc_sw_schedule_solve({}, { 1, 2, 2, 1 }, nil, { templates = {
    { start_first = 0, start_last = 2, length = 2, cost = 2 } } })
  for i, need in ipairs({ 1, 2, 2, 1 }) do tap.ok(s.coverage[i] >= need, "covered " .. i) end
  tap.eq(s.optimal, 1, "optimal")
  tap.eq(s.total_agents, 3, "three 2-interval shifts cover 1,2,2,1")
  tap.raises("^CC_EINFEASIBLE", cc.cc_sw_schedule_solve, {}, { 1, 1, 1 }, nil,
    { templates = { { start_first = 0, start_last = 0, length = 1 } } })
  tap.raises("^CC_EINVAL: traffic has 1 entries but required has 2", cc.cc_sw_schedule_solve,
    {}, { 1, 1 }, { 0.5 }, { templates = { { start_first = 0, start_last = 0, length = 1 } } })
end)

tap.run()
