"""The `callcore` program's contract: help, version, dispatch, usage errors."""
import json
import re

import pytest


def test_help_lists_commands(cli):
    r = cli.run("--help", check=0)
    assert "usage: callcore" in r.stdout
    assert "version" in r.stdout


def test_no_arguments_is_usage_error(cli):
    r = cli.run(check=2)
    assert "usage: callcore" in r.stderr


def test_version_json(cli):
    out = cli.json("version")
    assert re.fullmatch(r"\d+\.\d+\.\d+", out["version"])
    major, minor, patch = map(int, out["version"].split("."))
    assert out["version_hex"] == (major << 24) | (minor << 16) | (patch << 8)


def test_version_plain(cli):
    r = cli.run("version", check=0)
    assert r.stdout.startswith("callcore ")


def test_unknown_subcommand_exits_2_with_usage(cli):
    r = cli.run("frobnicate", check=2)
    assert "unknown command 'frobnicate'" in r.stderr
    assert "usage: callcore" in r.stderr
    assert r.stdout == ""


def test_bad_flag_exits_2_with_usage(cli):
    r = cli.run("version", "--bogus", check=2)
    assert "unknown option '--bogus'" in r.stderr
    assert "usage: callcore version" in r.stderr


def test_subcommand_help_exits_0(cli):
    r = cli.run("version", "--help", check=0)
    assert "usage: callcore version" in r.stdout


def test_json_output_is_one_valid_document(cli):
    r = cli.run("version", "--json", check=0)
    json.loads(r.stdout)


@pytest.mark.parametrize("value", [" 5", "5 ", "\t5", "5\n"])
@pytest.mark.parametrize("args", [
    ["day", "--synthetic", "--seed"],
    ["bench", "routing", "--seed"],
])
def test_whole_number_options_refuse_spaces(cli, args, value):
    # strtoll skips leading white space, so --seed " 5" ran seed 5 while --seed "5 " and
    # the decimal options (--aht-s " 5") were refused.
    r = cli.run(*args, value, check=2)
    assert f"expected a whole number, got '{value}'" in r.stderr
