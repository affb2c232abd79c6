"""Feishu / Lark (飞书): events in (long connection or HTTP), the Open Platform client, syntax, ids."""
