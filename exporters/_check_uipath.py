"""Structural checks for an exported UiPath project (no Studio needed).

Studio and ``uip rpa validate`` do not run on Linux, so we check what we can:
project.json against ``schemas/uipath-project.schema.json``; Main.xaml is well-formed,
rooted in a WF ``Activity`` with a valid ``x:Class``, uses only elements and
attributes we know, binds every prefix it mentions (also inside ``x:TypeArguments``
and ``mc:Ignorable``), gives each ``ActivityAction`` a matching
``DelegateInArgument``, keeps UI activities inside their app card, references only
declared variables in simple expressions, and every selector string parses with
known tags and attributes.
"""

from __future__ import annotations

import json
import re

import jsonschema
from lxml import etree

from exporters.schemas import load_schema

WF = "http://schemas.microsoft.com/netfx/2009/xaml/activities"
X = "http://schemas.microsoft.com/winfx/2006/xaml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
SAP2010 = "http://schemas.microsoft.com/netfx/2010/xaml/activities/presentation"
UI = "http://schemas.uipath.com/workflow/activities"
UIX = "http://schemas.uipath.com/workflow/activities/uix"
UEAB = "clr-namespace:UiPath.Excel.Activities.Business;assembly=UiPath.Excel.Activities"
SCO = "clr-namespace:System.Collections.ObjectModel;assembly=System.Private.CoreLib"

_ANNOTATION = f"{{{SAP2010}}}Annotation.AnnotationText"
_TYPE_ARGUMENTS = f"{{{X}}}TypeArguments"
_UI_COMMON = {"DisplayName", _ANNOTATION}
_CLICK = _UI_COMMON | {"ClickType", "MouseButton", "KeyModifiers", "InteractionMode"}
_TYPE = _UI_COMMON | {"Text", "EmptyFieldMode", "ClickBeforeMode", "InteractionMode"}

#: element -> attributes it may carry (what our exporter is allowed to emit).
ALLOWED: dict[str, frozenset[str]] = {
    f"{{{WF}}}Activity": frozenset({f"{{{MC}}}Ignorable", f"{{{X}}}Class"}),
    f"{{{X}}}Members": frozenset(),
    f"{{{X}}}Property": frozenset({"Name", "Type"}),
    f"{{{X}}}String": frozenset(),
    f"{{{WF}}}TextExpression.NamespacesForImplementation": frozenset(),
    f"{{{WF}}}TextExpression.ReferencesForImplementation": frozenset(),
    f"{{{SCO}}}Collection": frozenset({_TYPE_ARGUMENTS}),
    f"{{{WF}}}AssemblyReference": frozenset(),
    f"{{{WF}}}Sequence": frozenset(_UI_COMMON),
    f"{{{WF}}}Sequence.Variables": frozenset(),
    f"{{{WF}}}Variable": frozenset({"Name", _TYPE_ARGUMENTS, "Default"}),
    f"{{{WF}}}ActivityAction": frozenset({_TYPE_ARGUMENTS}),
    f"{{{WF}}}ActivityAction.Argument": frozenset(),
    f"{{{WF}}}DelegateInArgument": frozenset({"Name", _TYPE_ARGUMENTS}),
    f"{{{WF}}}Assign": frozenset(_UI_COMMON),
    f"{{{WF}}}Assign.To": frozenset(),
    f"{{{WF}}}Assign.Value": frozenset(),
    f"{{{WF}}}OutArgument": frozenset({_TYPE_ARGUMENTS}),
    f"{{{WF}}}InArgument": frozenset({_TYPE_ARGUMENTS}),
    f"{{{WF}}}Delay": frozenset(_UI_COMMON | {"Duration"}),
    f"{{{UI}}}ForEachRow": frozenset(_UI_COMMON | {"DataTable"}),
    f"{{{UI}}}ForEachRow.Body": frozenset(),
    f"{{{UI}}}Comment": frozenset(_UI_COMMON | {"Text"}),
    f"{{{UIX}}}NApplicationCard": frozenset(
        _UI_COMMON | {"OpenMode", "AttachMode", "CloseMode", "InteractionMode"}
    ),
    f"{{{UIX}}}NApplicationCard.Body": frozenset(),
    f"{{{UIX}}}NApplicationCard.TargetApp": frozenset(),
    f"{{{UIX}}}TargetApp": frozenset(
        {"Selector", "FilePath", "Arguments", "BrowserType", "Url", "Title"}
    ),
    f"{{{UIX}}}NClick": frozenset(_CLICK),
    f"{{{UIX}}}NClick.Target": frozenset(),
    f"{{{UIX}}}NTypeInto": frozenset(_TYPE),
    f"{{{UIX}}}NTypeInto.Target": frozenset(),
    f"{{{UIX}}}NGetText": frozenset(_UI_COMMON | {"TextString"}),
    f"{{{UIX}}}NGetText.Target": frozenset(),
    f"{{{UIX}}}NKeyboardShortcuts": frozenset(_UI_COMMON | {"Shortcuts"}),
    f"{{{UIX}}}NGoToUrl": frozenset(_UI_COMMON | {"Url"}),
    f"{{{UIX}}}TargetAnchorable": frozenset(
        {
            "FullSelectorArgument",
            "ScopeSelectorArgument",
            "FuzzySelectorArgument",
            "SearchSteps",
        }
    ),
    f"{{{UEAB}}}ExcelApplicationCard": frozenset(
        _UI_COMMON | {"WorkbookPath", "ReadOnly", "AutoSave", "CreateNewFile"}
    ),
    f"{{{UEAB}}}ExcelApplicationCard.Body": frozenset(),
    f"{{{UEAB}}}ReadRangeX": frozenset(_UI_COMMON | {"Range", "HasHeaders", "SaveTo"}),
    f"{{{UEAB}}}ReadCellValueX": frozenset(_UI_COMMON | {"Cell", "SaveTo"}),
    f"{{{UEAB}}}WriteCellX": frozenset(_UI_COMMON | {"Cell", "Value"}),
}
#: selector tag -> attributes allowed in it.
SELECTOR_TAGS: dict[str, frozenset[str]] = {
    "wnd": frozenset({"app", "cls", "title", "aaname", "ctrlid", "idx"}),
    "ctrl": frozenset({"name", "role", "automationid", "idx"}),
    "uia": frozenset({"automationid", "name", "role", "cls", "idx"}),
    "html": frozenset({"app", "title", "url"}),
    "webctrl": frozenset(
        {"id", "name", "tag", "aaname", "css-selector", "class", "parentid", "idx"}
    ),
    "sap": frozenset({"id", "name", "role"}),
    "java": frozenset({"name", "role", "idx"}),
}
_SELECTOR_ATTRIBUTES = ("FullSelectorArgument", "ScopeSelectorArgument", "Selector")
_UI_ACTIVITIES = {"NClick", "NTypeInto", "NGetText", "NKeyboardShortcuts", "NGoToUrl"}
_EXCEL_ACTIVITIES = {"ReadRangeX", "ReadCellValueX", "WriteCellX"}
_SIMPLE_REFERENCE = re.compile(r"^\[([A-Za-z_][A-Za-z0-9_]*)(\.ToString)?\]$")
_ROW_REFERENCE = re.compile(
    r'^\[([A-Za-z_][A-Za-z0-9_]*)\("(?:[^"]|"")*"\)\.ToString\]$'
)
_CLASS = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_selector(text: str) -> list[tuple[str, dict[str, str]]]:
    """Parse a UiPath selector string into ``(tag, attributes)`` pairs.

    Raises
    ------
    ValueError
        When the string is not a sequence of known, well-formed selector tags.
    """
    try:
        root = etree.fromstring(f"<selector>{text}</selector>")
    except etree.XMLSyntaxError as error:
        raise ValueError(
            f"selector is not well-formed: {error}; got {text!r}"
        ) from None
    if root.text and root.text.strip():
        raise ValueError(f"selector has text outside its tags: {text!r}")
    nodes = []
    for node in root:
        if node.tag not in SELECTOR_TAGS:
            raise ValueError(f"unknown selector tag <{node.tag}> in {text!r}")
        unknown = set(node.attrib) - SELECTOR_TAGS[node.tag]
        if unknown:
            raise ValueError(f"<{node.tag}> has unknown attributes {sorted(unknown)}")
        if len(node) or (node.tail and node.tail.strip()):
            raise ValueError(f"selector tags must be empty and adjacent: {text!r}")
        nodes.append((node.tag, dict(node.attrib)))
    if not nodes:
        raise ValueError(f"selector has no tag: {text!r}")
    return nodes


def check_project(files: dict[str, str]) -> list[str]:
    """Return every problem found in a UiPath project's files (empty when valid)."""
    problems: list[str] = []
    try:
        project = json.loads(files["project.json"])
    except (KeyError, json.JSONDecodeError) as error:
        return [f"project.json: cannot read: {error}"]
    validator = jsonschema.Draft202012Validator(load_schema("uipath-project"))
    for error in sorted(validator.iter_errors(project), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in error.path) or "(root)"
        problems.append(f"project.json: {where}: {error.message}")
    entry_files = [project.get("main")] + [
        e.get("filePath") for e in project.get("entryPoints", [])
    ]
    for name in entry_files:
        if name not in files:
            problems.append(
                f"project.json: names {name!r}, which is not in the project"
            )
    for name, text in sorted(files.items()):
        if name.endswith(".xaml"):
            problems.extend(check_xaml(text, name))
    return problems


def check_xaml(text: str, path: str = "Main.xaml") -> list[str]:
    """Return every problem found in one workflow file (empty when valid)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as error:
        return [f"{path}: not well-formed XML: {error}"]
    problems: list[str] = []

    def report(node: etree._Element, message: str) -> None:
        problems.append(f"{path}:{node.sourceline}: {message}")

    if root.tag != f"{{{WF}}}Activity":
        report(root, f"root must be a WF Activity; got {root.tag}")
    expected = path.rsplit(".", 1)[0].replace("/", "_").replace("\\", "_")
    x_class = root.get(f"{{{X}}}Class", "")
    if not _CLASS.match(x_class) or x_class != expected:
        report(
            root, f"x:Class must be {expected!r} (path, '/' -> '_'); got {x_class!r}"
        )
    for prefix in root.get(f"{{{MC}}}Ignorable", "").split():
        if prefix not in root.nsmap:
            report(root, f"mc:Ignorable names unbound prefix {prefix!r}")
    declared = _declared_names(root)
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        _check_node(node, declared, report)
    return problems


def _declared_names(root: etree._Element) -> set[str]:
    names = set()
    for node in root.iter(f"{{{WF}}}Variable", f"{{{WF}}}DelegateInArgument"):
        names.add(node.get("Name"))
    for node in root.iter(f"{{{X}}}Property"):
        names.add(node.get("Name"))
    return names


def _check_node(node, declared, report) -> None:
    allowed = ALLOWED.get(node.tag)
    if allowed is None:
        report(node, f"unknown element {node.tag}")
        return
    for name, value in node.attrib.items():
        if name not in allowed:
            report(node, f"{etree.QName(node).localname} has unknown attribute {name}")
        if name == _TYPE_ARGUMENTS:
            for prefix in re.findall(r"([A-Za-z0-9]+):", value):
                if prefix not in node.nsmap:
                    report(node, f"x:TypeArguments uses unbound prefix {prefix!r}")
        if name in _SELECTOR_ATTRIBUTES:
            try:
                parse_selector(value)
            except ValueError as error:
                report(node, str(error))
        if value.startswith("[") and name not in ("Shortcuts",):
            _check_expression(node, name, value, declared, report)
    for text in (node.text,) if node.tag.endswith("Argument") else ():
        if text and text.startswith("["):
            _check_expression(node, "text", text, declared, report)
    local = etree.QName(node).localname
    if local == "ActivityAction":
        _check_action(node, report)
    if local in _UI_ACTIVITIES and not _inside(node, f"{{{UIX}}}NApplicationCard"):
        report(node, f"{local} must be inside a Use Application/Browser card")
    if local in _EXCEL_ACTIVITIES and not _inside(
        node, f"{{{UEAB}}}ExcelApplicationCard"
    ):
        report(node, f"{local} must be inside a Use Excel File card")


def _check_expression(node, name, value, declared, report) -> None:
    if not value.endswith("]") or value.count('"') % 2:
        report(node, f"{name}: unbalanced expression {value[:80]!r}")
        return
    match = _SIMPLE_REFERENCE.match(value) or _ROW_REFERENCE.match(value)
    if match and match.group(1) not in declared:
        report(node, f"{name}: {match.group(1)!r} is not a declared variable")


def _check_action(node, report) -> None:
    type_argument = node.get(_TYPE_ARGUMENTS)
    delegates = node.findall(
        f"{{{WF}}}ActivityAction.Argument/{{{WF}}}DelegateInArgument"
    )
    if len(delegates) != 1:
        report(node, "ActivityAction needs exactly one DelegateInArgument")
        return
    if delegates[0].get(_TYPE_ARGUMENTS) != type_argument:
        report(node, "DelegateInArgument type differs from its ActivityAction")
    if not _CLASS.match(delegates[0].get("Name", "")):
        report(node, "DelegateInArgument needs an identifier Name")


def _inside(node, tag: str) -> bool:
    return any(parent.tag == tag for parent in node.iterancestors())
