"""The stores' keyword options, made from their one declaration in C++ (SOASTORE_STORE_OPTIONS in
soastore/options.hpp): names, defaults and descriptions reach signatures and docstrings from
there, so a new option needs no Python code.

A store passes on only the options its caller gave: an option not given takes its environment
variable (SOASTORE_KEEP_FILES=1, ...) when the store is constructed, then its default."""

import inspect
import textwrap

from . import _soastore

OPTIONS = _soastore.store_options()

# The Python value of a default, from its text as the environment variable would spell it.
_DEFAULT_FROM_TEXT = {"bool": lambda text: text == "true", "IoMode": lambda text: text, "ByteCount": int,
                      "double": float, "MemoryAmount": lambda text: None if text == "none" else text,
                      "FileGroups": lambda text: None if text == "default" else text}


def _parameter_doc(option):
    description = textwrap.fill(
        f"{option['description']} Environment variable: {option['environment_variable']}.",
        width=88, initial_indent="        ", subsequent_indent="        ")
    return f"    {option['name']} : {option['type']}, keyword-only, default {option['default']}\n{description}"


_TEMPORARY_PATH_DOC = """    temporary_path : str or os.PathLike, optional
        The base path of the temporary files; None keeps the data in memory."""


def with_store_options(cls):
    """Class decorator: lists every option in ``cls.__init__``'s signature (keyword-only, with its
    default) and, after the temporary_path every store takes, in place of
    ``{temporary_path_and_options}`` in the class docstring."""
    init = cls.__init__
    signature = inspect.signature(init)
    parameters = [p for p in signature.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
    for option in OPTIONS:
        default = _DEFAULT_FROM_TEXT[option["type"]](option["default"])
        parameters.append(inspect.Parameter(option["name"], inspect.Parameter.KEYWORD_ONLY, default=default))
    init.__signature__ = signature.replace(parameters=parameters)
    parameters_doc = "\n".join([_TEMPORARY_PATH_DOC, *(_parameter_doc(option) for option in OPTIONS)])
    cls.__doc__ = cls.__doc__.replace("    {temporary_path_and_options}", parameters_doc)
    return cls
