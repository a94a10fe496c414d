"""The data path both clients share, with no sockets: the operations table, the request
builder, the response decoder, the converter and models' base, the retry policy, and
what differs between server releases.

A call goes: generated method -> ``request.build_request`` -> the client's sender
(``immich._async._sender``) -> ``response.decode`` -> a model.
"""
