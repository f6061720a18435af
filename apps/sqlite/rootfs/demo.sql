-- The demo: `kiln run` runs the shell on this file (see [run] in kiln.toml).
CREATE TABLE greeting(id INTEGER PRIMARY KEY, text TEXT);
INSERT INTO greeting(text) VALUES ('Hello'), ('from'), ('SQLite'), ('in'), ('Kiln');
SELECT group_concat(text, ' ') FROM (SELECT text FROM greeting ORDER BY id);
SELECT sqlite_version(), json_object('rows', (SELECT count(*) FROM greeting));
