"""The JSON of log items, processed objects and the server's parts (proxies, repositories, the
licence) in the dialect of each API version, as render.py does for jobs and sessions."""

from __future__ import annotations

from .render import Json, View, api_time
from .sessions import SimLicense, SimLogItem, SimProcessedObject, SimProxy, SimRepository


def log_item_json(view: View, session_id: str, item: SimLogItem, *, with_ids: bool = True) -> Json:
    """v3-v7: a `title` ("[Success] Job started at ..."); v8: `type` and `message` (vbo-api.md §6).
    Without ids: no `id`, no `usn` and no `self` link (a server that writes neither)."""
    data: Json = {"id": item.id, "usn": item.usn} if with_ids else {}
    if view.version >= 8:
        data.update(type=item.type, message=item.message)
    else:
        data["title"] = item.title
    data.update(creationTime=api_time(item.creation_time), endTime=api_time(item.end_time))
    links = {"self": view.href(f"JobSessions/{session_id}/LogItems/{item.id}")} if with_ids else {}
    links["jobSession"] = view.href(f"JobSessions/{session_id}")
    data["_links"] = links
    return data


def processed_object_json(view: View, session_id: str, item: SimProcessedObject) -> Json:
    return {
        "id": item.id,
        "type": item.type,
        "status": item.status,
        "_links": {"jobSession": view.href(f"JobSessions/{session_id}")},
    }


def proxy_json(view: View, proxy: SimProxy) -> Json:
    data: Json = {"type": proxy.type, "useInternetProxy": False, "id": proxy.id, "hostName": proxy.host_name}
    if view.version >= 7:
        data["fqdn"] = proxy.host_name
    data.update(description=f"Backup proxy {proxy.host_name.split('.')[0]}", port=proxy.port)
    if view.version <= 7:
        data["threadsNumber"] = proxy.threads
    data.update(enableNetworkThrottling=False, status=proxy.status)
    if view.version >= 8:
        data.update(maintenanceModeState="Disabled", version=BUILD_OF_PROXIES)
    data["_links"] = {"self": view.href(f"Proxies/{proxy.id}")}
    return data


BUILD_OF_PROXIES = "8.1.0.331"


def repository_json(view: View, repository: SimRepository) -> Json:
    data: Json = {
        "capacityBytes": repository.capacity_bytes,
        "freeSpaceBytes": repository.free_bytes,
        "id": repository.id,
        "name": repository.name,
        "description": "",
        "path": repository.path,
        "retentionType": "SnapshotBased",
        "retentionPeriodType": "Yearly",
        "yearlyRetentionPeriod": "Years3",
        "retentionFrequencyType": "Daily",
        "dailyTime": "18:00:00",
        "dailyType": "Everyday",
        "proxyId": repository.proxy_id,
        "isLongTerm": False,
    }
    if view.version >= 6:
        data["isOutOfSync"] = repository.is_out_of_sync
    if view.version >= 8:
        data.update(
            organizationId=repository.organization_id,
            isOutdated=False,
            isIndexed=True,
            isMigrationLocked=False,
            isOutOfOrder=False,
        )
    data["_links"] = {"self": view.href(f"BackupRepositories/{repository.id}")}
    return data


def license_json(view: View, license: SimLicense) -> Json:
    data: Json = {
        "licenseID": "6f1b3d0e-8a52-4c39-9d0f-1b2c3d4e5f60",
        "email": "licensing@contoso.com",
        "status": license.status,
    }
    if view.version >= 7:
        data.update(licenseExpires=api_time(license.expires), gracePeriodExpires=api_time(license.expires))
    else:
        data["expirationDate"] = api_time(license.expires)
    data.update(
        type=license.type,
        licensedTo=license.licensed_to,
        totalNumber=license.total,
        usedNumber=license.used,
        newNumber=0,
        supportID="01234567",
    )
    return data
