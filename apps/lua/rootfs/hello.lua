-- The demo script: `kiln run` runs it (see [run] args in kiln.toml).
print(("Hello from %s in a Kiln unikernel"):format(_VERSION))
local squares = {}
for i = 1, 10 do squares[#squares + 1] = i * i end
print("squares: " .. table.concat(squares, " "))
