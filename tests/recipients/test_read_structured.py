"""registry.read_file on YAML and JSON: problems are located at the field or the object."""

from __future__ import annotations

from pathlib import Path

from tests.recipients.files import problems, write

BAD_YAML = """\
# addressees
- key: ok-one
  name: One
  category: government
- key: bad-email
  name: Two
  category: government
  country: PL
  email: nope
- key: ok-one
  name: Three
  category: other
- category: other
  name: Four
- key: fields
  name: "Five\\nlines"
  colour: red
  category: other
"""


class TestRejectedYamlAndJson:
    def test_yaml_problems_point_at_the_field_line(self, tmp_path: Path) -> None:
        """In YAML each problem is reported at the line of the offending field."""
        assert problems(write(tmp_path, "bad.yaml", BAD_YAML)) == [
            (9, "email"),
            (10, "key"),
            (13, "key"),
            (16, "name"),
            (17, "colour"),
        ]

    def test_yaml_syntax_error_has_its_line(self, tmp_path: Path) -> None:
        """A YAML syntax error is an input error at the line where parsing failed."""
        text = "- key: a\n  name: A\n  category: other\n- key: b: c\n"
        assert problems(write(tmp_path, "syntax.yaml", text)) == [(4, "syntax")]

    def test_yaml_must_be_a_list(self, tmp_path: Path) -> None:
        """A YAML mapping instead of a list of mappings is refused."""
        assert problems(write(tmp_path, "map.yaml", "key: a\n")) == [(1, "file")]

    def test_json_problems_point_at_the_object(self, tmp_path: Path) -> None:
        """In JSON each problem is reported at the line where its object starts."""
        text = (
            "[\n"
            '  {"key": "ok-one", "name": "One",\n'
            '   "category": "government"},\n'
            "  {\n"
            '    "key": "bad-email",\n'
            '    "name": "Two",\n'
            '    "category": "government",\n'
            '    "email": "nope"\n'
            '  }, {"key": "ok-one", "name": "x", "category": "other"},\n'
            '  "not an object"\n'
            "]\n"
        )
        assert problems(write(tmp_path, "bad.json", text)) == [
            (4, "email"),
            (9, "key"),
            (10, "record"),
        ]

    def test_json_syntax_error_has_its_line(self, tmp_path: Path) -> None:
        """Broken JSON is an input error at the line the decoder stopped."""
        text = '[\n  {"key": "a",\n   "name": "A"\n   "category": "other"}\n]\n'
        assert problems(write(tmp_path, "syntax.json", text)) == [(4, "syntax")]
