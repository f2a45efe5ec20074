import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../fixtures/tools"))
from azure_common import group
from k8s_common import namespace

# Non-production principals granted access to production resources, across clouds.
RESOURCES = [
    # Google: a staging CI service account may publish to production's topic.
    {
        "address": "google_service_account.ci_staging",
        "values": {"account_id": "ci-staging", "project": "acme-payments-staging", "display_name": "CI (staging)",
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
        "address": "google_pubsub_topic_iam_member.ci_publish",
        "values": {"role": "roles/pubsub.publisher", "project": "acme-payments-prod", "condition": []},
        "refs": {"topic": "google_pubsub_topic.orders_prod.name", "member": "google_service_account.ci_staging.member"},
        "computed": ["id", "etag"],
    },
    # Google: a QA reporting account may view the production project.
    {
        "address": "google_project_iam_member.qa_reporting",
        "values": {"project": "acme-payments-prod", "role": "roles/viewer",
                   "member": "serviceAccount:reporting@acme-payments-qa.iam.gserviceaccount.com", "condition": []},
        "computed": ["id", "etag"],
    },
    # Google: a development CI account may mint tokens for production's deployer.
    {
        "address": "google_service_account.deployer_prod",
        "values": {"account_id": "deployer-prod", "project": "acme-payments-prod", "display_name": "Deployer",
                   "description": None, "disabled": False, "timeouts": None},
        "computed": ["id", "email", "member", "name", "unique_id"],
    },
    {
        "address": "google_service_account_iam_member.dev_impersonates_deployer",
        "values": {"role": "roles/iam.serviceAccountTokenCreator",
                   "member": "serviceAccount:ci-dev@acme-payments-dev.iam.gserviceaccount.com", "condition": []},
        "refs": {"service_account_id": "google_service_account.deployer_prod.name"},
        "computed": ["id", "etag"],
    },
    # Azure: a staging identity may read production's resource group and its vault's secrets.
    group("prod", "Production"),
    {
        "address": "azurerm_user_assigned_identity.app_staging",
        "values": {"name": "id-orders-staging", "location": "westeurope", "resource_group_name": "rg-orders-staging",
                   "tags": {"environment": "staging"}},
        "computed": ["id", "principal_id", "client_id", "tenant_id"],
    },
    {
        "address": "azurerm_role_assignment.staging_reads_prod",
        "values": {"role_definition_name": "Reader", "skip_service_principal_aad_check": False, "condition": None},
        "refs": {"scope": "azurerm_resource_group.prod.id", "principal_id": "azurerm_user_assigned_identity.app_staging.principal_id"},
        "computed": ["id", "name", "principal_type", "role_definition_id"],
    },
    {
        "address": "azurerm_key_vault.prod",
        "values": {"name": "kv-orders-prod", "location": "westeurope", "resource_group_name": "rg-orders-prod",
                   "sku_name": "standard", "tenant_id": "00000000-0000-0000-0000-000000000000",
                   "tags": {"environment": "Production"}},
        "computed": ["id", "vault_uri", "access_policy"],
    },
    {
        "address": "azurerm_key_vault_access_policy.app_staging",
        "values": {"tenant_id": "00000000-0000-0000-0000-000000000000", "secret_permissions": ["Get", "List"],
                   "key_permissions": [], "certificate_permissions": [], "storage_permissions": []},
        "refs": {"key_vault_id": "azurerm_key_vault.prod.id", "object_id": "azurerm_user_assigned_identity.app_staging.principal_id"},
        "computed": ["id", "application_id"],
    },
    # Kubernetes: staging's worker service account is bound to a role in production's namespace.
    namespace("prod"), namespace("staging"),
    {
        "address": "kubernetes_service_account_v1.worker_staging",
        "values": {"metadata": [{"name": "worker", "namespace": "payments-staging", "labels": None, "annotations": None,
                                 "generate_name": ""}],
                   "automount_service_account_token": True, "image_pull_secret": [], "secret": [], "timeouts": None},
        "computed": ["id", "default_secret_name"],
    },
    {
        "address": "kubernetes_role_binding_v1.staging_worker_in_prod",
        "values": {"metadata": [{"name": "worker-access", "namespace": "payments-prod", "labels": None, "annotations": None,
                                 "generate_name": ""}],
                   "role_ref": [{"api_group": "rbac.authorization.k8s.io", "kind": "Role", "name": "payments-editor"}],
                   "subject": [{"kind": "ServiceAccount", "name": "worker", "namespace": "payments-staging", "api_group": ""}]},
        "computed": ["id"],
    },
    # Kubernetes: the same account is a cluster administrator of production's cluster.
    {
        "address": "kubernetes_cluster_role_binding_v1.prod_admins",
        "values": {"metadata": [{"name": "payments-prod-admins", "labels": None, "annotations": None, "generate_name": ""}],
                   "role_ref": [{"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"}],
                   "subject": [{"kind": "ServiceAccount", "name": "worker", "namespace": "payments-staging", "api_group": ""}]},
        "computed": ["id"],
    },
]
