-- TimeML reading of every time: its type (DATE, TIME, DURATION, SET) and TIMEX3 value (2008-Q1, P5Y, XXXX-WXX-1, PRESENT_REF …).
ALTER TABLE times ADD COLUMN type TEXT;
ALTER TABLE times ADD COLUMN timex TEXT;
