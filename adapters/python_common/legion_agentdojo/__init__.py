"""AgentDojo's task suites replayed through any framework (legion-industry academic).

For one user task this module loads the suite's environment (the data ships in the agentdojo
wheel; nothing is downloaded), asks the task for its ground-truth tool calls, and turns them
into a script for the simulated model. The framework under test then runs the task with the
suite's real tool functions, which act on this task's environment through `call`; AgentDojo's
own utility check judges the final environment, the answer and the calls made (`utility`).

The bridge carries calls, not logic: the C++ side registers each suite tool as a LEGION tool
whose body is `TaskRun.call`, so every framework (LEGION natively, the Python frameworks
through their own tool idiom) runs the same Python functions on the same environment.
"""

from __future__ import annotations

import json
from typing import Any

from agentdojo.agent_pipeline.tool_execution import tool_result_to_str
from agentdojo.functions_runtime import FunctionCall, FunctionsRuntime
from agentdojo.task_suite.load_suites import get_suite, get_suites
from agentdojo.types import text_content_block_from_string

DEFAULT_BENCHMARK_VERSION = "v1.2.2"
# The final answer travels outside the script block (scripts are one operation per line and
# an answer may span lines); the model's `answer` line copies it with a {{find:...}} template.
OUTPUT_OPEN = "<<ground-truth-output>>"
OUTPUT_CLOSE = "<</ground-truth-output>>"


def version() -> str:
    from importlib.metadata import version as package_version

    return package_version("agentdojo")


def suite_names(benchmark_version: str = DEFAULT_BENCHMARK_VERSION) -> list[str]:
    return sorted(get_suites(benchmark_version).keys())


def user_task_ids(suite: str, benchmark_version: str = DEFAULT_BENCHMARK_VERSION) -> list[str]:
    tasks = get_suite(benchmark_version, suite).user_tasks
    return sorted(tasks, key=lambda task_id: int(task_id.rsplit("_", 1)[1]))


def _script_line(call: FunctionCall) -> str:
    arguments = json.dumps(dict(call.args), ensure_ascii=False, separators=(", ", ": "))
    if "{{" in arguments or "\n" in arguments:
        # json.dumps escapes newlines; a literal "{{" would read as a template.
        raise ValueError(
            f"ground-truth arguments of {call.function} cannot be scripted: {arguments}"
        )
    return f"call {call.function} {arguments}"


class TaskRun:
    """One user task on a fresh copy of its suite's default environment."""

    def __init__(
        self, suite: str, task_id: str, benchmark_version: str = DEFAULT_BENCHMARK_VERSION
    ):
        self.suite = get_suite(benchmark_version, suite)
        self.task = self.suite.get_user_task_by_id(task_id)
        environment = self.suite.load_and_inject_default_environment({})
        self.environment = self.task.init_environment(environment)
        self.pre_environment = self.environment.model_copy(deep=True)
        self.ground_truth = self.task.ground_truth(self.pre_environment.model_copy(deep=True))
        self.runtime = FunctionsRuntime(self.suite.tools)
        self.trace: list[FunctionCall] = []

    def tool_specs(self) -> list[dict[str, Any]]:
        """Every suite tool as {name, description, parameters (JSON schema)}."""
        specs = []
        for function in self.suite.tools:
            schema = function.parameters.model_json_schema()
            schema.pop("title", None)
            specs.append(
                {"name": function.name, "description": function.description, "parameters": schema}
            )
        return specs

    def prompt(self) -> str:
        """The user message: the task's prompt, the script, the ground-truth output."""
        lines = [_script_line(call) for call in self.ground_truth]
        lines.append("answer {{find:" + OUTPUT_OPEN + r"([\s\S]*)" + OUTPUT_CLOSE + "}}")
        # Some frameworks refuse an empty final answer (CrewAI raises on one): a task whose
        # ground truth has no output ends with "Done.", which no utility check reads.
        output = self.task.GROUND_TRUTH_OUTPUT or "Done."
        return (
            f"{self.task.PROMPT}\n[[script]]\n" + "\n".join(lines) + "\n[[/script]]\n"
            f"{OUTPUT_OPEN}{output}{OUTPUT_CLOSE}"
        )

    def ground_truth_calls(self) -> int:
        return len(self.ground_truth)

    def call(self, name: str, arguments: dict[str, Any]) -> str:
        """Runs a suite tool on this task's environment; errors come back as text, the way
        AgentDojo's own tool executor shows them to a model."""
        self.trace.append(FunctionCall(function=name, args=dict(arguments)))
        result, error = self.runtime.run_function(self.environment, name, arguments)
        if error is not None:
            return f"error: {error}"
        return tool_result_to_str(result)

    def utility(self, answer: str) -> bool:
        return self.suite._check_user_task_utility(
            self.task,
            [text_content_block_from_string(answer)],
            self.pre_environment,
            self.environment,
            self.trace,
        )
