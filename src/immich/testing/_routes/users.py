"""``/users/*``, ``/admin/users/*`` and ``/api-keys/*``."""

from __future__ import annotations

from .._dto import api_key_dto, user_admin_dto, user_dto
from .._errors import ApiError, bad_request, not_found
from .._http import FakeResponse, empty_response, json_response
from .._router import Call, RouteGroup
from .._state import ApiKey, User
from .._wire import new_secret, utc_now

routes = RouteGroup()


@routes.get("/users/me", "getMyUser")
def get_my_user(call: Call) -> FakeResponse:
    return json_response(200, user_admin_dto(call.state, call.user))


@routes.get("/users", "searchUsers")
def search_users(call: Call) -> FakeResponse:
    return json_response(200, [user_dto(user) for user in call.state.users.values()])


@routes.get("/users/{id}", "getUser")
def get_user(call: Call) -> FakeResponse:
    user = call.state.users.get(call.path_id())
    if user is None:
        raise not_found("User not found")
    return json_response(200, user_dto(user))


@routes.get("/admin/users", "searchUsersAdmin", admin_only=True)
def search_users_admin(call: Call) -> FakeResponse:
    wanted = call.query_uuid("id")
    users = [user for user in call.state.users.values() if wanted in (None, user.id)]
    return json_response(200, [user_admin_dto(call.state, user) for user in users])


@routes.post("/admin/users", "createUserAdmin", admin_only=True)
def create_user_admin(call: Call) -> FakeResponse:
    fields = call.json()
    email = fields.required_string("email")
    if call.state.user_by_email(email) is not None:
        raise bad_request("User exists")
    user = call.state.add_user(
        User(
            email=email,
            name=fields.required_string("name"),
            password=fields.required_string("password"),
            is_admin=bool(fields.boolean("isAdmin")),
            storage_label=fields.string("storageLabel", nullable=True),
            quota_size_in_bytes=fields.integer("quotaSizeInBytes", minimum=0, nullable=True),
            should_change_password=fields.boolean("shouldChangePassword") is not False,
        )
    )
    return json_response(201, user_admin_dto(call.state, user))


@routes.get("/admin/users/{id}", "getUserAdmin", admin_only=True)
def get_user_admin(call: Call) -> FakeResponse:
    user = call.state.users.get(call.path_id())
    if user is None:
        raise not_found("User not found")
    return json_response(200, user_admin_dto(call.state, user))


@routes.get("/api-keys/me", "getMyApiKey")
def get_my_api_key(call: Call) -> FakeResponse:
    if call.auth is None or call.auth.api_key is None:
        raise ApiError(403, "Not authenticated with an API key")
    return json_response(200, api_key_dto(call.auth.api_key))


@routes.get("/api-keys", "getApiKeys")
def get_api_keys(call: Call) -> FakeResponse:
    keys = [key for key in call.state.api_keys.values() if key.user_id == call.user.id]
    return json_response(200, [api_key_dto(key) for key in keys])


@routes.post("/api-keys", "createApiKey")
def create_api_key(call: Call) -> FakeResponse:
    fields = call.json()
    permissions = fields.string_list("permissions", required=True) or []
    if not permissions:
        raise bad_request("permissions must contain at least 1 elements")
    key = ApiKey(
        user_id=call.user.id,
        name=fields.string("name") or "API Key",
        secret=new_secret(),
        permissions=permissions,
    )
    call.state.api_keys[key.id] = key
    return json_response(201, {"apiKey": api_key_dto(key), "secret": key.secret})


def _own_api_key(call: Call) -> ApiKey:
    key = call.state.api_keys.get(call.path_id())
    if key is None or key.user_id != call.user.id:
        raise not_found("API Key not found")
    return key


@routes.get("/api-keys/{id}", "getApiKey")
def get_api_key(call: Call) -> FakeResponse:
    return json_response(200, api_key_dto(_own_api_key(call)))


@routes.put("/api-keys/{id}", "updateApiKey")
def update_api_key(call: Call) -> FakeResponse:
    key = _own_api_key(call)
    fields = call.json()
    key.name = fields.string("name") or key.name
    key.permissions = fields.string_list("permissions") or key.permissions
    key.updated_at = utc_now()
    return json_response(200, api_key_dto(key))


@routes.delete("/api-keys/{id}", "deleteApiKey")
def delete_api_key(call: Call) -> FakeResponse:
    key = _own_api_key(call)
    del call.state.api_keys[key.id]
    return empty_response()
