import { describe, expect, it } from "vitest";
import { decodeRoles, isExpired } from "./auth";

const traderToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGgua29ydmV4LmlvIiwic3ViIjoic3ZjLXJpc2stZW5naW5lIiwiYXVkIjoidHJhZGluZy1hcGkiLCJpYXQiOjE3Mzc0Njg1NzQsImV4cCI6MTczNzQ3MDM3NCwianRpIjoiMGE2ZDRhZGUtMTRmNi00MmMxLTkyMzItODY5NGY0ZGE3YmFlIiwicm9sZXMiOlsiT1BTIl0sImRlc2siOiJmdXR1cmVzIn0.04hiuP2_kyyQ_PXMrAyKWc_hdZUaxVUUBK7A-s_reCY";
const opsToken = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjRhNmJiM2RmMmE1MTY2NzgifQ.eyJpc3MiOiJodHRwczovL2F1dGgua29ydmV4LmlvIiwic3ViIjoiZ3JhZmFuYS1kYXRhc291cmNlIiwiYXVkIjoidHJhZGluZy1hcGkiLCJpYXQiOjE3MTkxMjA1NTksImV4cCI6MTcxOTEyNDE1OSwianRpIjoiMTBjMTkzNGYtMDFlOS00MDZmLWJhZDAtYTY1OTJlMTExNmI3Iiwicm9sZXMiOlsiVFJBREVSIl0sImRlc2siOiJzcG90In0.JOnKnRK8WbbNUZKbY-4Tb_9H2aIb584VEUxNK1OmAX5pJGy1WegQ-JktwmYW03QynXwJVNLPyxQB564WiQKzXkwhDC9yTmyHPeHGLAug0IqDp1tHfOopncwAFuj2ZSUoaJdtt1r1q7JnXmds3VqIpwBt9kFyVcUvBD4RyKRlT5-zQnVx64sI_CrGhQrQqTwvgbUD_AwHbCln--dIqNvNEUv427KKQST4Tx0XzImp1xBeZ0DkEbj7DH_qExqAlByobFrkcdBoyeTsFAJ2lfzM01geIRuYC2-qj6AECTR4iuz373e_SA3vhg7mIwA70PJbq-Sr796w0T8u-1_KMl-1FQ";

describe("auth helpers", () => {
  it("reads roles from the token", () => {
    expect(decodeRoles(traderToken).length).toBeGreaterThan(0);
  });

  it("knows an ops token is expired", () => {
    expect(isExpired(opsToken, new Date("2030-01-01"))).toBe(true);
  });
});
