import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../fixtures/tools"))
from azure_common import group
from k8s_common import namespace

# Production principals granted access to non-production resources, across clouds.
RESOURCES = [
    # Google: a production CI service account may publish to staging's topic.
    {
        "address": "google_service_account.ci_prod",
        "values": {"account_id": "ci-prod", "project": "acme-payments-prod", "display_name": "CI (prod)",
                   "description": None, "disabled": False, "timeouts": None},
        "computed": ["id", "email", "member", "name", "unique_id"],
    },
    {
        "address": "google_pubsub_topic.orders_staging",
        "values": {"name": "orders-staging", "project": "acme-payments-staging", "labels": {"env": "staging"},
                   "kms_key_name": None, "message_retention_duration": None},
        "computed": ["id", "effective_labels", "terraform_labels"],
    },
    {
        "address": "google_pubsub_topic_iam_member.ci_publish",
        "values": {"role": "roles/pubsub.publisher", "project": "acme-payments-staging", "condition": []},
        "refs": {"topic": "google_pubsub_topic.orders_staging.name", "member": "google_service_account.ci_prod.member"},
        "computed": ["id", "etag"],
    },
    # Google: a production reporting account may view the staging project.
    {
        "address": "google_project_iam_member.prod_reporting",
        "values": {"project": "acme-payments-staging", "role": "roles/viewer",
                   "member": "serviceAccount:reporting@acme-payments-prod.iam.gserviceaccount.com", "condition": []},
        "computed": ["id", "etag"],
    },
    # Azure: a production identity may read staging's resource group and its vault's secrets.
    group("staging", "staging"),
    {
        "address": "azurerm_user_assigned_identity.app_prod",
        "values": {"name": "id-orders-prod", "location": "westeurope", "resource_group_name": "rg-orders-prod",
                   "tags": {"environment": "prod"}},
        "computed": ["id", "principal_id", "client_id", "tenant_id"],
    },
    {
        "address": "azurerm_role_assignment.prod_reads_staging",
        "values": {"role_definition_name": "Reader", "skip_service_principal_aad_check": False, "condition": None},
        "refs": {"scope": "azurerm_resource_group.staging.id", "principal_id": "azurerm_user_assigned_identity.app_prod.principal_id"},
        "computed": ["id", "name", "principal_type", "role_definition_id"],
    },
    {
        "address": "azurerm_key_vault.staging",
        "values": {"name": "kv-orders-staging", "location": "westeurope", "resource_group_name": "rg-orders-staging",
                   "sku_name": "standard", "tenant_id": "00000000-0000-0000-0000-000000000000",
                   "tags": {"environment": "staging"}},
        "computed": ["id", "vault_uri", "access_policy"],
    },
    {
        "address": "azurerm_key_vault_access_policy.app_prod",
        "values": {"tenant_id": "00000000-0000-0000-0000-000000000000", "secret_permissions": ["Get", "List"],
                   "key_permissions": [], "certificate_permissions": [], "storage_permissions": []},
        "refs": {"key_vault_id": "azurerm_key_vault.staging.id", "object_id": "azurerm_user_assigned_identity.app_prod.principal_id"},
        "computed": ["id", "application_id"],
    },
    # Kubernetes: production's worker service account is bound to a role in staging's namespace.
    namespace("staging"), namespace("prod"),
    {
        "address": "kubernetes_service_account_v1.worker_prod",
        "values": {"metadata": [{"name": "worker", "namespace": "payments-prod", "labels": None, "annotations": None,
                                 "generate_name": ""}],
                   "automount_service_account_token": True, "image_pull_secret": [], "secret": [], "timeouts": None},
        "computed": ["id", "default_secret_name"],
    },
    {
        "address": "kubernetes_role_binding_v1.prod_worker_in_staging",
        "values": {"metadata": [{"name": "worker-access", "namespace": "payments-staging", "labels": None, "annotations": None,
                                 "generate_name": ""}],
                   "role_ref": [{"api_group": "rbac.authorization.k8s.io", "kind": "Role", "name": "payments-editor"}],
                   "subject": [{"kind": "ServiceAccount", "name": "worker", "namespace": "payments-prod", "api_group": ""}]},
        "computed": ["id"],
    },
]
