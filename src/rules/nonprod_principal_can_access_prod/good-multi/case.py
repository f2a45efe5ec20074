import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../fixtures/tools"))
from azure_common import group
from k8s_common import namespace

# Grants that stay inside production, or name no principal envwall can place.
RESOURCES = [
    {
        "address": "google_service_account.api_prod",
        "values": {"account_id": "api-prod", "project": "acme-payments-prod", "display_name": "API",
                   "description": None, "disabled": False, "timeouts": None},
        "computed": ["id", "email", "member", "name", "unique_id"],
    },
    {
        "address": "google_pubsub_topic.orders_prod",
        "values": {"name": "orders-prod", "project": "acme-payments-prod", "labels": {"env": "prod"},
                   "kms_key_name": None, "message_retention_duration": None},
        "computed": ["id", "effective_labels", "terraform_labels"],
    },
    {
        "address": "google_pubsub_topic_iam_member.api_publish",
        "values": {"role": "roles/pubsub.publisher", "project": "acme-payments-prod", "condition": []},
        "refs": {"topic": "google_pubsub_topic.orders_prod.name", "member": "google_service_account.api_prod.member"},
        "computed": ["id", "etag"],
    },
    # A group is placed by no tag or name envwall can trust.
    {
        "address": "google_project_iam_binding.viewers",
        "values": {"project": "acme-payments-prod", "role": "roles/viewer",
                   "members": ["group:payments-staging-oncall@example.com", "user:alice@example.com", "domain:example.com"],
                   "condition": []},
        "computed": ["id", "etag"],
    },
    group("prod", "Production"),
    {
        "address": "azurerm_user_assigned_identity.app_prod",
        "values": {"name": "id-orders-prod", "location": "westeurope", "resource_group_name": "rg-orders-prod",
                   "tags": {"environment": "Production"}},
        "computed": ["id", "principal_id", "client_id", "tenant_id"],
    },
    {
        "address": "azurerm_role_assignment.app_reads_prod",
        "values": {"role_definition_name": "Reader", "skip_service_principal_aad_check": False, "condition": None},
        "refs": {"scope": "azurerm_resource_group.prod.id", "principal_id": "azurerm_user_assigned_identity.app_prod.principal_id"},
        "computed": ["id", "name", "principal_type", "role_definition_id"],
    },
    namespace("prod"),
    {
        "address": "kubernetes_service_account_v1.worker_prod",
        "values": {"metadata": [{"name": "worker", "namespace": "payments-prod", "labels": None, "annotations": None,
                                 "generate_name": ""}],
                   "automount_service_account_token": True, "image_pull_secret": [], "secret": [], "timeouts": None},
        "computed": ["id", "default_secret_name"],
    },
    {
        "address": "kubernetes_role_binding_v1.worker",
        "values": {"metadata": [{"name": "worker-access", "namespace": "payments-prod", "labels": None, "annotations": None,
                                 "generate_name": ""}],
                   "role_ref": [{"api_group": "rbac.authorization.k8s.io", "kind": "Role", "name": "payments-editor"}],
                   "subject": [{"kind": "ServiceAccount", "name": "worker", "namespace": "payments-prod", "api_group": ""}]},
        "computed": ["id"],
    },
]
