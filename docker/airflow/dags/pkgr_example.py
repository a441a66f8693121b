"""Pinned pkgr bundles as Airflow tasks (docker/airflow, docs/deploy.md).

`hello` runs on the worker, which is built on the pkgr runner image: BashOperator pushes the last
line of stdout to XCom, and `pkgr run` prints the entrypoint's JSON result as that last line.

`hello_in_pod` runs the same pinned version in its own pod from the runner image: pkgr writes the
JSON result to /airflow/xcom/return.json, where the XCom sidecar reads it. The pod reads the
registry settings (PKGR_REPOSITORIES_PRIVATE_URL, PKGR_HTTP_BASIC_PRIVATE_*) from the Secret
`pkgr-runner` (docker/k8s/runner-job.yaml creates one).
"""
import pendulum
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from kubernetes.client import models as k8s

BUNDLE = "hello-pipeline==0.1.0"  # pinned: the task runs exactly this version, verified by digest

with DAG(
    "pkgr_example",
    start_date=pendulum.datetime(2024, 5, 1, tz="UTC"),
    schedule=None,
    catchup=False,
    tags=["pkgr"],
) as dag:
    hello = BashOperator(
        task_id="hello",
        bash_command=f"pkgr run {BUNDLE} hello --who={{{{ ds }}}}",
        do_xcom_push=True,  # {"greeted": "2024-05-01"}
    )

    hello_in_pod = KubernetesPodOperator(
        task_id="hello_in_pod",
        name="pkgr-hello",
        image="pkgr-runner:latest",
        cmds=["pkgr"],
        arguments=["run", "--output-file", "/airflow/xcom/return.json", BUNDLE, "hello", "--who={{ ds }}"],
        env_vars={"PKGR_REPOSITORY": "private"},
        env_from=[k8s.V1EnvFromSource(secret_ref=k8s.V1SecretEnvSource(name="pkgr-runner"))],
        do_xcom_push=True,
    )

    hello >> hello_in_pod
