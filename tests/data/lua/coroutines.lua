-- Coroutines: generators, passing values, status, wrap, errors inside.
local gen = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "done"
end)
print(coroutine.resume(gen, 1, 2))
print(coroutine.status(gen))
print(coroutine.resume(gen, 10))
print(coroutine.resume(gen, "x", "y"))
print(coroutine.status(gen), coroutine.resume(gen))
local function range(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local acc = {}
for i in range(5) do acc[#acc + 1] = i * i end
print(table.concat(acc, " "))
local bad = coroutine.create(function() error("inside") end)
local ok, msg = coroutine.resume(bad)
print(ok, msg)
print(coroutine.isyieldable(), select(2, coroutine.running()))
