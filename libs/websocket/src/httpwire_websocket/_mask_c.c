/* The compiled twin of _mask_py.py: RFC 6455 section 5.3 masking, eight bytes at a time.
 *
 * mask(key, data) -> bytes, mask_inplace(key, buf, start=0) -> None and
 * masked_frame(first_byte, key, payload) -> bytes behave exactly as mask_py, mask_inplace_py and
 * masked_frame_py (the tests run both on the same cases); the key must be 4 bytes, else
 * httpwire_websocket.LocalProtocolError is raised. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

static PyObject *LocalProtocolError = NULL;

/* XOR buf[0:n] with the key repeated, the key's byte `phase` applying at buf[0]. */
static void
xor_key(unsigned char *buf, Py_ssize_t n, const unsigned char *key, Py_ssize_t phase)
{
    unsigned char lane[8];
    uint64_t wide, word;
    Py_ssize_t i = 0;
    for (int j = 0; j < 8; j++) {
        lane[j] = key[(j + phase) & 3];
    }
    memcpy(&wide, lane, 8);
    for (; i + 8 <= n; i += 8) {
        memcpy(&word, buf + i, 8);
        word ^= wide;
        memcpy(buf + i, &word, 8);
    }
    for (; i < n; i++) {
        buf[i] ^= lane[i & 7];
    }
}

/* dst[0:n] = src[0:n] XOR the key repeated (the key's first byte at dst[0]): copy and mask in
 * one pass over the payload. */
static void
xor_copy(unsigned char *dst, const unsigned char *src, Py_ssize_t n, const unsigned char *key)
{
    unsigned char lane[8];
    uint64_t wide, word;
    Py_ssize_t i = 0;
    for (int j = 0; j < 8; j++) {
        lane[j] = key[j & 3];
    }
    memcpy(&wide, lane, 8);
    for (; i + 8 <= n; i += 8) {
        memcpy(&word, src + i, 8);
        word ^= wide;
        memcpy(dst + i, &word, 8);
    }
    for (; i < n; i++) {
        dst[i] = src[i] ^ lane[i & 7];
    }
}

static int
check_key(Py_buffer *key)
{
    if (key->len != 4) {
        PyErr_Format(LocalProtocolError, "A mask key is 4 bytes, got %zd", key->len);
        return -1;
    }
    return 0;
}

static PyObject *
mask(PyObject *module, PyObject *args)
{
    Py_buffer key, data;
    PyObject *out = NULL;
    if (!PyArg_ParseTuple(args, "y*y*:mask", &key, &data)) {
        return NULL;
    }
    if (check_key(&key) == 0) {
        /* A fresh object: with a source pointer, CPython would hand back its shared
         * one-byte bytes objects, which must never be written to. */
        out = PyBytes_FromStringAndSize(NULL, data.len);
        if (out != NULL && data.len > 0) {
            memcpy(PyBytes_AS_STRING(out), data.buf, (size_t)data.len);
            xor_key((unsigned char *)PyBytes_AS_STRING(out), data.len,
                    (const unsigned char *)key.buf, 0);
        }
    }
    PyBuffer_Release(&key);
    PyBuffer_Release(&data);
    return out;
}

static PyObject *
mask_inplace(PyObject *module, PyObject *args)
{
    Py_buffer key, buf;
    Py_ssize_t start = 0;
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "y*w*|n:mask_inplace", &key, &buf, &start)) {
        return NULL;
    }
    if (check_key(&key) == 0) {
        if (start < 0) {
            start += buf.len;  /* as a negative slice start would */
            if (start < 0) {
                start = 0;
            }
        }
        if (start < buf.len) {
            xor_key((unsigned char *)buf.buf + start, buf.len - start,
                    (const unsigned char *)key.buf, 0);
        }
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&key);
    PyBuffer_Release(&buf);
    return result;
}

static PyObject *
masked_frame(PyObject *module, PyObject *args)
{
    int first;
    Py_buffer key, data;
    PyObject *out = NULL;
    if (!PyArg_ParseTuple(args, "iy*y*:masked_frame", &first, &key, &data)) {
        return NULL;
    }
    if (first < 0 || first > 255) {
        PyErr_Format(PyExc_ValueError, "first_byte must be from 0 to 255, got %d", first);
    }
    else if (data.len > PY_SSIZE_T_MAX - 14) {
        PyErr_SetString(PyExc_OverflowError, "payload too large for one frame");
    }
    else if (check_key(&key) == 0) {
        Py_ssize_t n = data.len;
        Py_ssize_t head = n < 126 ? 2 : (n < 65536 ? 4 : 10);
        out = PyBytes_FromStringAndSize(NULL, head + 4 + n);
        if (out != NULL) {
            unsigned char *buf = (unsigned char *)PyBytes_AS_STRING(out);
            buf[0] = (unsigned char)first;
            if (head == 2) {
                buf[1] = (unsigned char)(0x80 | n);
            }
            else if (head == 4) {
                buf[1] = 0x80 | 126;
                buf[2] = (unsigned char)(n >> 8);
                buf[3] = (unsigned char)n;
            }
            else {
                uint64_t len = (uint64_t)n;
                buf[1] = 0x80 | 127;
                for (int j = 0; j < 8; j++) {
                    buf[2 + j] = (unsigned char)(len >> (56 - 8 * j));
                }
            }
            memcpy(buf + head, key.buf, 4);
            xor_copy(buf + head + 4, (const unsigned char *)data.buf, n,
                     (const unsigned char *)key.buf);
        }
    }
    PyBuffer_Release(&key);
    PyBuffer_Release(&data);
    return out;
}

static PyMethodDef methods[] = {
    {"mask", mask, METH_VARARGS,
     "Return data XORed with key repeated (a new bytes object)."},
    {"mask_inplace", mask_inplace, METH_VARARGS,
     "Mask buf[start:] in place, the key's first byte applying at start."},
    {"masked_frame", masked_frame, METH_VARARGS,
     "One masked frame: header (mask bit set), key, then the payload masked with it."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_mask_c", "Compiled RFC 6455 masking.", -1, methods,
};

PyMODINIT_FUNC
PyInit__mask_c(void)
{
    PyObject *exceptions = PyImport_ImportModule("httpwire_websocket.exceptions");
    if (exceptions == NULL) {
        return NULL;
    }
    LocalProtocolError = PyObject_GetAttrString(exceptions, "LocalProtocolError");
    Py_DECREF(exceptions);
    if (LocalProtocolError == NULL) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL) {
        return NULL;
    }
    /* Private: the selector in _mask.py exports what it chose, not this module. */
    PyObject *names = PyList_New(0);
    if (names == NULL || PyModule_AddObject(module, "__all__", names) < 0) {
        Py_XDECREF(names);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
