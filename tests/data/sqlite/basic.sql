-- Tables, inserts, selects, joins, grouping, transactions, printf, json.
.headers on
CREATE TABLE dept(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept_id INTEGER REFERENCES dept(id),
                 salary REAL, hired TEXT);
INSERT INTO dept(name) VALUES ('eng'), ('ops'), ('sales'), ('empty');
INSERT INTO emp(name, dept_id, salary, hired) VALUES
  ('ada', 1, 120000.5, '2019-03-01'), ('bob', 1, 95000, '2020-07-15'),
  ('cyd', 2, 70000, '2018-01-20'), ('dee', 3, 65000.25, '2021-11-30'),
  ('eve', 3, 72000, '2017-05-05'), ('fay', NULL, 50000, '2022-02-02');
SELECT count(*) AS n, sum(salary) AS total, round(avg(salary), 2) AS mean FROM emp;
SELECT e.name, d.name AS dept FROM emp e JOIN dept d ON d.id = e.dept_id ORDER BY e.name;
SELECT d.name, count(e.id) AS staff, coalesce(max(e.salary), 0) AS top
  FROM dept d LEFT JOIN emp e ON e.dept_id = d.id GROUP BY d.id ORDER BY staff DESC, d.name;
SELECT dept_id, group_concat(name, ',') FROM emp GROUP BY dept_id HAVING count(*) > 1 ORDER BY 1;
SELECT name FROM emp WHERE salary > (SELECT avg(salary) FROM emp) ORDER BY salary DESC;
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10)
  SELECT sum(x), group_concat(x * x, ' ') FROM n;
BEGIN;
UPDATE emp SET salary = salary * 1.1 WHERE dept_id = 1;
DELETE FROM emp WHERE name = 'fay';
ROLLBACK;
SELECT count(*), printf('%.2f', sum(salary)) FROM emp;
BEGIN;
INSERT INTO emp(name, dept_id, salary, hired) VALUES ('gus', 2, 81000, '2023-06-01');
SAVEPOINT sp;
DELETE FROM emp;
ROLLBACK TO sp;
RELEASE sp;
COMMIT;
SELECT count(*) FROM emp;
SELECT printf('%5d|%-6s|%08.3f|%x|%e|%q|%%', 42, 'ab', 3.14159, 255, 12345.678, 'it''s');
SELECT printf('%.10g %.3g %s', 1.0/3, 1e10, 9.5), 7 / 2, 7 / 2.0, 7 % 3, -7 / 2, 1e300 * 1e300;
SELECT upper('mixed Case'), length('héllo'), substr('abcdef', 2, 3), replace('aaa', 'a', 'bb'),
       instr('hello', 'll'), trim('  x  '), hex('AB'), typeof(1), typeof(1.5), typeof('s'),
       typeof(NULL), typeof(x'00');
SELECT json_object('name', name, 'salary', salary) FROM emp WHERE id <= 2 ORDER BY id;
SELECT json_array(1, 2.5, 'three', NULL, json('{"a":[1,2]}'));
SELECT json_extract('{"a":{"b":[10,20,30]}}', '$.a.b[1]'), json_type('[1,{}]', '$[1]');
SELECT key, value FROM json_each('{"x":1,"y":"two","z":[3]}') ORDER BY key;
SELECT json_group_array(name) FROM (SELECT name FROM emp ORDER BY name);
SELECT date('2020-02-28', '+1 day'), strftime('%Y/%j', '2021-12-31'), julianday('2000-01-01');
SELECT abs(-5), max(1, 7, 3), min('b', 'a'), nullif(3, 3), ifnull(NULL, 'dflt'),
       CASE WHEN 2 > 1 THEN 'yes' ELSE 'no' END, 10 BETWEEN 1 AND 20, 'abc' LIKE 'A%', 'abc' GLOB 'a*';
CREATE INDEX emp_salary ON emp(salary);
SELECT name FROM emp INDEXED BY emp_salary WHERE salary BETWEEN 60000 AND 80000 ORDER BY salary;
CREATE VIEW rich AS SELECT name FROM emp WHERE salary >= 90000;
SELECT * FROM rich ORDER BY name;
SELECT name, salary, rank() OVER (ORDER BY salary DESC) AS r,
       sum(salary) OVER (PARTITION BY dept_id) AS dept_total FROM emp ORDER BY name;
.mode quote
SELECT * FROM dept ORDER BY id;
.mode line
SELECT name, hired FROM emp WHERE id = 1;
