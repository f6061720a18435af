-- String library: patterns, gsub, byte/char, rep, format.
local s = "The quick brown fox jumps over the lazy dog"
print(#s, s:upper(), s:lower())
print(s:sub(5, 9), s:sub(-3), s:find("fox"), s:find("o", 20, true))
print(s:match("(%a+) fox"), s:gsub("o", "0"))
for word in s:gmatch("%a+") do io.write(word:reverse(), " ") end
print()
print(("ab"):rep(3, "-"), string.byte("A"), string.char(72, 105))
print(string.format("%5d|%-5d|%05.1f|%x|%X|%o|%q", 42, 42, 3.14159, 255, 255, 8, "a\nb"))
print(string.format("%s %10s %-10s|", "x", "right", "left"))
print(string.format("%.3e %g %g %g", 12345.6789, 1e20, 0.0001, 100))
print(("%d items"):format(7), tostring(12):len())
local parts = {}
for k, v in ("a=1, b=2, c=3"):gmatch("(%w+)=(%w+)") do parts[#parts + 1] = k .. v end
print(table.concat(parts, ";"))
print(("  trim me  "):match("^%s*(.-)%s*$") .. "|")
print(utf8.char(72, 228, 8364), utf8.len("häl€"), #"häl€")
