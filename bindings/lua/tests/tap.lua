-- Minimal TAP producer for the Lua binding tests: each test is a function run
-- under pcall; a failing check or an unexpected error is a "not ok" line.
local tap = {}
local tests = {}

function tap.test(name, fn) tests[#tests + 1] = { name = name, fn = fn } end

function tap.eq(got, want, what)
  if got ~= want then
    error(string.format("%s: got %s, want %s", what or "value", tostring(got), tostring(want)), 2)
  end
end

function tap.near(got, want, rel, what)
  if type(got) ~= "number" or math.abs(got - want) > rel * math.max(1, math.abs(want)) then
    error(string.format("%s: got %s, want %s (rel %g)", what or "value", tostring(got),
      tostring(want), rel), 2)
  end
end

function tap.ok(cond, what)
  if not cond then error((what or "condition") .. " is false", 2) end
end

-- Asserts that fn raises an error whose message matches `pattern`; returns it.
function tap.raises(pattern, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then error("expected an error matching '" .. pattern .. "'", 2) end
  if not tostring(err):match(pattern) then
    error("error '" .. tostring(err) .. "' does not match '" .. pattern .. "'", 2)
  end
  return err
end

function tap.run()
  print("1.." .. #tests)
  local failed = 0
  for i, t in ipairs(tests) do
    local ok, err = xpcall(t.fn, debug.traceback)
    if ok then
      print("ok " .. i .. " - " .. t.name)
    else
      failed = failed + 1
      print("not ok " .. i .. " - " .. t.name)
      for line in tostring(err):gmatch("[^\n]+") do print("# " .. line) end
    end
  end
  os.exit(failed == 0 and 0 or 1)
end

return tap
