-- Tables: arrays, sorting, metatables, table library.
local t = {5, 3, 8, 1, 9, 2}
table.sort(t)
print(table.concat(t, ","))
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, ","))
table.insert(t, 1, 100); table.insert(t, 7); print(table.remove(t), table.remove(t, 1), #t)
print(table.unpack({1, 2, 3}))
local packed = table.pack(1, nil, 3); print(packed.n)
local moved = table.move({1, 2, 3}, 1, 3, 2, {}); print(moved[1], moved[2], moved[4])
local counts = {}
for _, w in ipairs({"a", "b", "a", "c", "b", "a"}) do counts[w] = (counts[w] or 0) + 1 end
local keys = {}
for k in pairs(counts) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do io.write(k, "=", counts[k], " ") end
print()
local Vec = {}
Vec.__index = Vec
Vec.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, Vec) end
Vec.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
Vec.__eq = function(a, b) return a.x == b.x and a.y == b.y end
Vec.__len = function() return 2 end
local a, b = setmetatable({x = 1, y = 2}, Vec), setmetatable({x = 3, y = 4}, Vec)
print(tostring(a + b), a == b, #a, rawlen(a))
local default = setmetatable({}, {__index = function(_, k) return k .. "!" end})
print(default.hello, rawget(default, "hello"))
local big = {}
for i = 1, 10000 do big[i] = i * i end
local sum = 0
for i = 1, #big do sum = sum + big[i] end
print(#big, sum)
