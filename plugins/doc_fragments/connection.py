# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options shared by every module (argument spec: module_utils/_connection.py)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r'''
options:
  region:
    description:
      - Huawei Cloud region, for example V(cn-north-4).
      - Builds the default O(elb_endpoint) and O(auth_url), and names the project looked up when
        O(project_id) is not set.
      - If not set, the value of the E(HW_REGION_NAME) environment variable is used.
    type: str
  project_id:
    description:
      - ID of the project the load balancers live in.
      - When not set, it is taken from the IAM token (password authentication) or looked up in IAM by
        the name O(region) (C(GET /v3/projects?name=<region>)).
      - If not set, the value of the E(HW_PROJECT_ID) environment variable is used.
    type: str
  access_key:
    description:
      - Access key ID for AK/SK request signing (C(SDK-HMAC-SHA256)). Goes with O(secret_key).
      - If not set, the value of the E(HW_ACCESS_KEY) environment variable is used.
    type: str
  secret_key:
    description:
      - Secret access key for AK/SK request signing. Never logged or returned.
      - If not set, the value of the E(HW_SECRET_KEY) environment variable is used.
    type: str
  security_token:
    description:
      - Security token of temporary AK/SK credentials, sent as C(X-Security-Token).
      - If not set, the value of the E(HW_SECURITY_TOKEN) environment variable is used.
    type: str
  auth_token:
    description:
      - A ready IAM token, sent as C(X-Auth-Token). Use instead of AK/SK or user and password.
      - If not set, the value of the E(HW_AUTH_TOKEN) environment variable is used.
    type: str
  user:
    description:
      - IAM user name, exchanged with O(password) and O(user_domain) for a token at O(auth_url).
      - If not set, the value of the E(HW_USER_NAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(user). Never logged or returned.
      - If not set, the value of the E(HW_USER_PASSWORD) environment variable is used.
    type: str
  user_domain:
    description:
      - Account (domain) name of O(user).
      - If not set, the value of the E(HW_DOMAIN_NAME) environment variable is used.
    type: str
  auth_url:
    description:
      - IAM endpoint including C(/v3). Defaults to C(https://iam.<region>.<cloud>/v3).
      - If not set, the value of the E(HW_AUTH_URL) environment variable is used.
    type: str
  elb_endpoint:
    description:
      - ELB endpoint. Defaults to C(https://elb.<region>.<cloud>).
      - If not set, the value of the E(HW_ELB_ENDPOINT) environment variable is used.
    type: str
  cloud:
    description:
      - Domain suffix of the endpoints. Defaults to V(myhuaweicloud.com).
      - If not set, the value of the E(HW_CLOUD) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificates of the endpoints. Defaults to V(true).
      - When not set, a true value in the E(HW_INSECURE) environment variable turns verification off.
      - To trust a private CA, set O(ca_path).
    type: bool
  ca_path:
    description:
      - A file of PEM certificates to trust instead of the system's, for the ELB and IAM endpoints of a private
        cloud. Used only while O(validate_certs) is true; the file must exist.
      - If not set, the value of the E(HW_CA_BUNDLE) environment variable is used.
    type: path
  api_timeout:
    description:
      - Seconds to wait for each HTTP answer (connect and read), more than 0 and at most 600.
    type: float
    default: 30
  api_retries:
    description:
      - How many times a call is retried after throttling (HTTP 429), a gateway error (502, 503, 504)
        or a dropped connection, with jittered exponential backoff (or the C(Retry-After) the service asks for).
      - A create (POST) is repeated only when the service certainly did not act on it.
      - From 0 to 20. Defaults to V(5). If not set, the value of the E(HW_MAX_RETRIES) environment variable is used.
    type: int
notes:
  - Endpoints (O(elb_endpoint), O(auth_url), and those built from O(region) and O(cloud)) must be http or https
    URLs with a host and no query; a malformed one fails before any call, naming the option.
  - No option takes control characters (tab, CR, LF, ESC, NUL); a value with one fails before any call.
  - Exactly one way of authenticating must be set, through options or environment variables -
    O(access_key) and O(secret_key) (with O(security_token) for temporary credentials), or O(auth_token),
    or O(user), O(password) and O(user_domain).
  - Set connection options once for a play with C(module_defaults) and the action group C(group/hwcloud.elb.all).
requirements:
  - requests
'''
