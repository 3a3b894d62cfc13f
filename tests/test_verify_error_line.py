"""The exception line the verifier reports out of a side's stderr tail (what the benchmarks rank causes by)."""

from t2j.verify.report import last_error_line

_WARNING = (
    "/tmp/t2j-sandbox/reference.py:79: FutureWarning: The default weight initialization of GoogleNet will be"
    " changed in future releases of torchvision.\n"
    "  warnings.warn(\n"
)


def test_a_warning_printed_before_the_traceback_is_not_the_cause():
    text = (
        "torch side exited with code 1\n"
        + _WARNING
        + "Traceback (most recent call last):\n"
        + '  File "reference.py", line 90, in forward\n'
        + "    x = self.conv(x)\n"
        + "RuntimeError: shapes cannot be multiplied\n"
    )
    assert last_error_line(text) == "RuntimeError: shapes cannot be multiplied"


def test_a_side_that_printed_only_a_warning_reports_how_it_ended():
    text = "torch side timed out after 120 s\n" + _WARNING
    assert last_error_line(text) == "torch side timed out after 120 s"


def test_a_warning_after_the_exception_does_not_hide_it():
    text = "JAX side exited with code 1\nTypeError: bad operand\n" + _WARNING
    assert last_error_line(text) == "TypeError: bad operand"


def test_without_warnings_the_last_line_is_kept():
    assert last_error_line("JAX side killed by SIGKILL\nsome output\nKilled") == "Killed"
