// Copyright 2023 The Casdoor Authors. All Rights Reserved.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//      http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package email

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/casdoor/casdoor/proxy"
)

type HttpEmailProvider struct {
	endpoint    string
	method      string
	httpHeaders map[string]string
	bodyMapping map[string]string
	contentType string

	// optional OAuth2 client-credentials settings for endpoints that require a bearer token
	tokenUrl     string
	clientId     string
	clientSecret string

	tokenMu     sync.Mutex
	accessToken string
	tokenExpiry time.Time
}

type oauthTokenResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

func NewHttpEmailProvider(endpoint string, method string, httpHeaders map[string]string, bodyMapping map[string]string, contentType string) *HttpEmailProvider {
	if contentType == "" {
		contentType = "application/x-www-form-urlencoded"
	}

	client := &HttpEmailProvider{
		endpoint:    endpoint,
		method:      method,
		httpHeaders: httpHeaders,
		bodyMapping: bodyMapping,
		contentType: contentType,
	}
	return client
}

// WithClientCredentials makes Send authenticate with an OAuth2 access token obtained from tokenUrl.
func (c *HttpEmailProvider) WithClientCredentials(tokenUrl string, clientId string, clientSecret string) *HttpEmailProvider {
	c.tokenUrl = tokenUrl
	c.clientId = clientId
	c.clientSecret = clientSecret
	return c
}

func (c *HttpEmailProvider) getAccessToken() (string, error) {
	c.tokenMu.Lock()
	defer c.tokenMu.Unlock()

	if c.accessToken != "" && time.Now().Before(c.tokenExpiry) {
		return c.accessToken, nil
	}

	resp, err := http.PostForm(c.tokenUrl, url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {c.clientId},
		"client_secret": {c.clientSecret},
	})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("HttpEmailProvider's getAccessToken() error, token request failed with status: %s", resp.Status)
	}

	var token oauthTokenResponse
	if err = json.NewDecoder(resp.Body).Decode(&token); err != nil {
		return "", err
	}

	c.accessToken = token.AccessToken
	// refresh one minute before the token actually expires
	c.tokenExpiry = time.Now().Add(time.Duration(token.ExpiresIn)*time.Second - time.Minute)
	return c.accessToken, nil
}

func (c *HttpEmailProvider) Send(fromAddress string, fromName string, toAddress []string, subject string, content string) error {
	var req *http.Request
	var err error

	fromAddressField := "fromAddress"
	fromNameField := "fromName"
	toAddressField := "toAddress"
	toAddressesField := "toAddresses"
	subjectField := "subject"
	contentField := "content"
	for k, v := range c.bodyMapping {
		switch k {
		case "fromAddress":
			fromAddressField = v
		case "fromName":
			fromNameField = v
		case "toAddress":
			toAddressField = v
		case "toAddresses":
			toAddressesField = v
		case "subject":
			subjectField = v
		case "content":
			contentField = v
		}
	}

	if c.method == "POST" || c.method == "PUT" || c.method == "DELETE" {
		bodyMap := make(map[string]string)
		bodyMap[fromAddressField] = fromAddress
		bodyMap[fromNameField] = fromName
		bodyMap[subjectField] = subject
		bodyMap[contentField] = content

		var fromValueBytes []byte
		if c.contentType == "application/json" {
			fromValueBytes, err = json.Marshal(bodyMap)
			if err != nil {
				return err
			}
			req, err = http.NewRequest(c.method, c.endpoint, bytes.NewBuffer(fromValueBytes))
		} else {
			formValues := url.Values{}
			for k, v := range bodyMap {
				formValues.Add(k, v)
			}
			if len(toAddress) == 1 {
				formValues.Add(toAddressField, toAddress[0])
			} else {
				for _, addr := range toAddress {
					formValues.Add(toAddressesField, addr)
				}
			}
			req, err = http.NewRequest(c.method, c.endpoint, strings.NewReader(formValues.Encode()))
		}

		if err != nil {
			return err
		}

		req.Header.Set("Content-Type", c.contentType)
	} else if c.method == "GET" {
		req, err = http.NewRequest(c.method, c.endpoint, nil)
		if err != nil {
			return err
		}

		q := req.URL.Query()
		q.Add(fromAddressField, fromAddress)
		q.Add(fromNameField, fromName)
		if len(toAddress) == 1 {
			q.Add(toAddressField, toAddress[0])
		} else {
			for _, addr := range toAddress {
				q.Add(toAddressesField, addr)
			}
		}
		q.Add(subjectField, subject)
		q.Add(contentField, content)
		req.URL.RawQuery = q.Encode()
	} else {
		return fmt.Errorf("HttpEmailProvider's Send() error, unsupported method: %s", c.method)
	}

	for k, v := range c.httpHeaders {
		req.Header.Set(k, v)
	}

	if c.tokenUrl != "" {
		accessToken, err := c.getAccessToken()
		if err != nil {
			return err
		}

		q := req.URL.Query()
		q.Set("access_token", accessToken)
		req.URL.RawQuery = q.Encode()
	}

	httpClient := proxy.DefaultHttpClient
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HttpEmailProvider's Send() error, custom HTTP Email request failed with status: %s", resp.Status)
	}

	return err
}
