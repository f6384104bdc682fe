"""Consumer-group state of the Kafka stand-in, kept in ZooKeeper so every broker answers the same.

The znode /lab/consumer-groups holds `{"groups": [{"group", "topic", "partition", "current", "lag",
"consumer_id", "host", "client_id"}…], "states": {"GROUP": "Stable|Empty|PreparingRebalance|Dead"}}` (a group
missing from `states` is Stable; `current: null` is a partition without a committed offset). When the znode does
not exist the cluster reports DEFAULT_GROUPS: every partition caught up (lag 0), which is what a drained site looks
like before the upgrade.
"""
import json

ZNODE = '/lab/consumer-groups'


def _partition(group, topic, partition, current, member):
    return {'group': group, 'topic': topic, 'partition': partition, 'current': current, 'lag': 0,
            'consumer_id': f'consumer-{member}-0c6d1f2e-5a1b-4c7e-9f3a-{partition:012d}',
            'host': '/10.0.0.11', 'client_id': f'consumer-{member}'}


DEFAULT_GROUPS = (
    [_partition('biz-order-consumer', 'biz-order-events', p, 18250 + 7 * p, 1) for p in range(3)]
    + [_partition('csb-log-consumer', 'csb-access-log', p, 90412 + 13 * p, 2) for p in range(2)]
)


def load_groups(zk):
    """The current state: the znode's content, or the defaults."""
    if zk.exists(ZNODE):
        data, _ = zk.get(ZNODE)
        return json.loads(data.decode('utf-8'))
    return {'groups': [dict(p) for p in DEFAULT_GROUPS], 'states': {}}


def save_groups(zk, state):
    body = json.dumps(state).encode('utf-8')
    if zk.exists(ZNODE):
        zk.set(ZNODE, body)
    else:
        zk.create(ZNODE, body, makepath=True)
