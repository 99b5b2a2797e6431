"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.AuthenticationMD5Password = AuthenticationMD5Password;
exports.AuthenticationSASL2Password = AuthenticationSASL2Password;
